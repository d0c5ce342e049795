package io.github.ast.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.TrainingDivergedException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a diverged model from destroying itself silently. Every step's gradients are checked before the optimiser
 * applies them, on the engine, in the host read the step already makes, and the parameters at each epoch's end;
 * a step with non-finite gradients or losses from finite inputs is never applied, and after
 * {@code ast.maxBadSteps} such steps in a row training stops with a {@link TrainingDivergedException}. Steps skipped
 * for non-finite inputs are the data's fault, not the model's: they are counted elsewhere and neither add to the
 * streak nor end it.
 */
final class StepGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StepGuard.class);

    /** Why a step was not applied. */
    enum Bad {
        /** Some inputs were NaN or infinite: the data's fault, which the guard does not count. */
        INPUTS("non-finite inputs"),
        /** Losses of finite inputs were NaN or infinite: the model's outputs overflowed or are NaN. */
        LOSSES("non-finite losses from finite inputs"),
        /** Back-propagation produced NaN or infinite gradients, or a gradient's sum overflowed. */
        GRADIENTS("non-finite gradients");

        private final String description;

        Bad(String description) {
            this.description = description;
        }
    }

    private final int maxBadSteps;
    private int streak;
    private int epoch;
    private long batch;

    /** @param maxBadSteps consecutive bad steps after which training stops, >= 1 */
    StepGuard(int maxBadSteps) {
        this.maxBadSteps = maxBadSteps;
    }

    /** Sets the epoch the run is in, for the messages. */
    void startEpoch(int epoch) {
        this.epoch = epoch;
    }

    /** Sets the 0-based position of the batch the run is at, for the messages. */
    void at(long batch) {
        this.batch = batch;
    }

    /** Resets the streak: a step was applied. */
    void applied() {
        streak = 0;
    }

    /**
     * Counts a step that was not applied because of the model, and stops training when the streak reaches the limit,
     * or at once when non-finite losses come from parameters that are no longer finite (read now, on this rare
     * path): no later step can mend those.
     *
     * @param bad what was non-finite
     * @param detail the figures read, for the log and the message
     * @param trainer the trainer, whose parameters are checked after non-finite losses
     * @throws TrainingDivergedException after {@code ast.maxBadSteps} such steps in a row
     */
    void rejected(Bad bad, String detail, Trainer trainer) {
        if (bad == Bad.LOSSES) {
            requireFiniteParameters(trainer);
        }
        streak++;
        LOG.warn("Epoch {}, batch {}: skipped a step with {} ({}); {} of ast.maxBadSteps={} in a row", epoch, batch,
                bad.description, detail, streak, maxBadSteps);
        if (streak >= maxBadSteps) {
            int steps = streak;
            streak = 0; // a custom loop that catches this starts a new streak
            requireFiniteParameters(trainer); // the message below promises finite parameters
            throw new TrainingDivergedException(epoch, batch, String.format(Locale.ROOT, "training diverged in epoch "
                    + "%d at batch %d: %d steps in a row had %s (the last: %s), so none of them was applied and the "
                    + "parameters are those from before them. Try a lower learning rate, gradient clipping, or a "
                    + "model without operations undefined at zero (a square root or a division by a norm); "
                    + "ast.maxBadSteps sets how many bad steps in a row are tolerated", epoch, batch, steps,
                    bad.description, detail));
        }
    }

    /**
     * Stops training when the parameters are no longer finite although every applied step's gradients were: an
     * optimiser update itself overflowed (a learning rate far too high), and that step cannot be undone.
     *
     * @param trainer the trainer whose parameters are checked, with one read
     */
    void requireFiniteParameters(Trainer trainer) {
        if (!parametersFinite(trainer)) {
            throw new TrainingDivergedException(epoch, batch, String.format(Locale.ROOT, "training diverged in epoch "
                    + "%d by batch %d: the parameters are not finite although every applied step's gradients were, so "
                    + "an optimiser update overflowed and cannot be undone. Resume from the last checkpoint with a "
                    + "lower learning rate or gradient clipping", epoch, batch));
        }
    }

    /**
     * Returns each gradient's sum, float32 scalars on a device, not read yet: to join the step's figures in its one
     * read. A sum is NaN or infinite exactly when a value in it is (or when it overflows, which is as bad), and one
     * reduction per parameter is the cheapest check an engine offers.
     *
     * @param trainer the trainer whose model was back-propagated
     * @param device where the figures go
     * @param scratch owns every array made here, the figures included
     */
    static NDList gradientSums(Trainer trainer, Device device, NDManager scratch) {
        NDList sums = new NDList();
        for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
            if (parameter.requiresGradient()) {
                NDArray gradient = owned(parameter.getArray().getGradient(), scratch);
                // Half precision overflows its sum far sooner than a diverged gradient would: summed as float32.
                NDArray wide = gradient.getDataType() == DataType.FLOAT16
                        ? gradient.toType(DataType.FLOAT32, false) : gradient;
                sums.add(Validation.figure(wide.sum(), device));
            }
        }
        return sums;
    }

    /**
     * Returns whether every trained parameter is finite, with one read: each one's values times zero, summed, are 0
     * exactly when all are finite, and finite values cannot overflow that sum (a frozen mask's -infinity is left
     * out). For the rare paths, an epoch's end and checkpoints, where one read costs nothing measurable.
     *
     * @param trainer the trainer whose model is checked
     */
    private static boolean parametersFinite(Trainer trainer) {
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            NDList sums = new NDList();
            for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
                if (parameter.requiresGradient()) {
                    sums.add(Validation.figure(owned(parameter.getArray().mul(0), scratch).sum(),
                            trainer.getDevices()[0]));
                }
            }
            return sums.isEmpty() || NDArrays.stack(sums).sum().getFloat() == 0;
        }
    }

    /**
     * Sets every gradient to zero in place, NaN included: PyTorch adds each backward to what the gradients hold and
     * only its optimiser's update zeroes them, so a step that is not applied must clear them itself (MXNet
     * overwrites gradients at every backward).
     *
     * @param trainer the trainer whose gradients are cleared
     * @param scratch owns the arrays made here
     */
    static void clearGradients(Trainer trainer, NDManager scratch) {
        for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
            if (parameter.requiresGradient()) {
                NDArray gradient = owned(parameter.getArray().getGradient(), scratch);
                gradient.set(gradient.onesLike().toType(DataType.BOOLEAN, false), 0f);
            }
        }
    }

    /** Moves an array made from a long-lived one (a parameter) to the scratch manager, so it is freed with it. */
    private static NDArray owned(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }

    /**
     * Skips a batch whose scoring pass produced non-finite losses: the data's fault when some inputs are not finite
     * (read only now, on this rare path), else the model's, which the guard counts.
     */
    void skipNonFiniteScoring(Trainer trainer, Batch batch, float lossSum) {
        long badRows = Math.round(NonFinite.count(batch.getData()).getFloat());
        if (badRows > 0) {
            LOG.warn("Skipped a batch of {} samples: {} of them have NaN or infinite inputs, which made the scoring "
                    + "pass's losses non-finite (sum {})", batch.getSize(), badRows, lossSum);
        } else {
            rejected(Bad.LOSSES, "the scoring pass's loss sum " + lossSum + " over "
                    + batch.getSize() + " rows", trainer);
        }
    }
}
