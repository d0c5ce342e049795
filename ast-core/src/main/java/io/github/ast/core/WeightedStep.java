package io.github.ast.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.github.ast.api.PerSampleLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward and backward on some rows, across the trainer's devices, then the optimiser step: the only place that
 * changes the model's weights.
 *
 * <p>The rows are split into balanced contiguous shares, one per device (or {@code ast.splits} micro-batches); each
 * device back-propagates once, over the sum of its shares' losses, because engines that overwrite gradients on each
 * backward (MXNet) would otherwise keep only the last share's. With a selection's weights the loss is
 * {@code sum(w * loss) / divisor}; without, the trainer's own loss (or, with the sampler's weights s,
 * {@code mean(s * loss)}), each share's mean weighted by its size.
 */
final class WeightedStep {

    private static final Logger LOG = LoggerFactory.getLogger(WeightedStep.class);

    private final PerSampleLoss perSampleLoss;
    private final int splits;
    private final PhaseTimes times;
    private final StepGuard guard;
    private final GradientClipping clipping;

    /**
     * @param perSampleLoss the unreduced loss, for the history and the weighted loss
     * @param splits shares per step, 0 for one per device
     * @param times the profile's recorder, {@link PhaseTimes#OFF} outside profiles
     * @param guard counts the steps that are not applied and stops a diverged run
     * @param clipping clips each applied step's gradients ({@code ast.clipNorm}), or null
     */
    WeightedStep(PerSampleLoss perSampleLoss, int splits, PhaseTimes times, StepGuard guard,
            GradientClipping clipping) {
        this.perSampleLoss = perSampleLoss;
        this.splits = splits;
        this.times = times;
        this.guard = guard;
        this.clipping = clipping;
    }

    /** What a training forward produced, read back once: for statistics and the history. */
    record Trained(NDList predictions, NDArray perSampleLosses, double lossSum, long correct) {}

    /**
     * Trains on the rows and steps the optimiser, unless the step's figures, read once after back-propagation, show
     * non-finite inputs, losses or gradients: then the gradients are cleared, the parameters stay as they were and
     * the guard counts the step.
     *
     * @param trainer the DJL trainer
     * @param rows the rows
     * @param validateLabels check the labels against the outputs (when no scoring pass did)
     * @return the training outputs, or null when the step was not applied (the parameters are then untouched)
     * @throws io.github.ast.api.TrainingDivergedException when the guard stops training
     */
    Trained run(Trainer trainer, StepRows rows, boolean validateLabels) {
        Device[] devices = trainer.getDevices();
        List<long[]> ranges = Shares.balanced(rows.count(), splits > 0 ? splits : devices.length);
        float[] read;
        NDList predictions;
        NDArray perSample;
        List<NDList> shareLabels = new ArrayList<>();
        List<NDList> sharePredictions = new ArrayList<>();
        try (GradientCollector collector = trainer.newGradientCollector();
                NDManager scratch = trainer.getManager().newSubManager()) {
            List<NDArray> sharePerSample = new ArrayList<>();
            NDArray invalidLabels = null; // counted on the engine, read with the step's figures
            for (int i = 0; i < ranges.size(); i++) {
                Device device = devices[i % devices.length];
                NDList data = toDevice(share(rows.data(), ranges, i), device);
                NDList labels = toDevice(share(rows.labels(), ranges, i), device);
                NDList sharePrediction = trainer.forward(data, labels);
                times.end(PhaseTimes.Phase.TRAINING_FORWARD, sharePrediction);
                NDArray invalid = validateLabels ? perSampleLoss.countInvalidLabels(labels, sharePrediction) : null;
                if (invalid != null) {
                    invalid = Validation.figure(invalid, devices[0]);
                    invalidLabels = invalidLabels == null ? invalid : invalidLabels.add(invalid);
                }
                shareLabels.add(labels);
                sharePredictions.add(sharePrediction);
                sharePerSample.add(validateLabels ? perSampleLoss.computeUnchecked(labels, sharePrediction)
                        : perSampleLoss.compute(labels, sharePrediction));
                times.end(PhaseTimes.Phase.LOSSES, sharePerSample.get(i));
            }
            if (invalidLabels != null) {
                // Read before the trainer's loss, which may fail on a bad label in native code (a CUDA assert):
                // only steps no scoring pass checked pay this second read.
                Validation.requireValidLabels(invalidLabels.getFloat(), perSampleLoss, shareLabels,
                        sharePredictions);
            }
            predictions = gather(sharePredictions, devices[0]);
            perSample = concat(sharePerSample, devices[0]);
            NDList labels = gather(shareLabels, devices[0]);
            Map<Device, NDArray> lossByDevice = new LinkedHashMap<>();
            for (int i = 0; i < ranges.size(); i++) {
                lossByDevice.merge(devices[i % devices.length], shareLoss(trainer, rows, ranges, i,
                        sharePerSample.get(i), shareLabels.get(i), sharePredictions.get(i), devices), NDArray::add);
            }
            if (times.isOn()) {
                times.end(PhaseTimes.Phase.LOSSES, lossByDevice.values().iterator().next());
            }
            lossByDevice.values().forEach(collector::backward);
            times.endBackward(trainer);
            NDList figures = new NDList(perSample.sum().toType(DataType.FLOAT32, false),
                    Validation.count(Validation.correct(predictions.head(), labels)),
                    NonFinite.count(rows.data()).toDevice(devices[0], false));
            figures.addAll(StepGuard.gradientSums(trainer, devices[0], scratch));
            read = NDArrays.stack(figures).toFloatArray();
            times.end(PhaseTimes.Phase.GUARD, (NDArray) null);
            StepGuard.Bad bad = rejection(rows.count(), read);
            if (bad != null) {
                StepGuard.clearGradients(trainer, scratch); // before the guard may stop the run
                if (bad != StepGuard.Bad.INPUTS) {
                    guard.rejected(bad, figures(rows.count(), read), trainer);
                }
                return null;
            }
        }
        guard.applied();
        if (clipping != null) {
            clipping.clip(trainer);
        }
        trainer.step();
        times.endOptimizer(trainer);
        return new Trained(predictions, perSample, read[0], Math.round(read[1]));
    }

    /**
     * Says why a step must not be applied, from its figures (loss sum, correct, non-finite input rows, then each
     * gradient's sum), or null when it is sound.
     */
    private static StepGuard.Bad rejection(int count, float[] read) {
        if (read[2] > 0) {
            LOG.warn("Skipped a step of {} samples: {} of them have NaN or infinite inputs, which would make the "
                    + "gradients non-finite even where the loss is finite (sum {})", count, Math.round(read[2]),
                    read[0]);
            return StepGuard.Bad.INPUTS;
        }
        if (!Float.isFinite(read[0])) {
            return StepGuard.Bad.LOSSES;
        }
        return badGradients(read) > 0 ? StepGuard.Bad.GRADIENTS : null;
    }

    private static int badGradients(float[] read) {
        int bad = 0;
        for (int i = 3; i < read.length; i++) {
            bad += Float.isFinite(read[i]) ? 0 : 1;
        }
        return bad;
    }

    /** The figures of a rejected step, for the guard's log line and message. */
    private static String figures(int count, float[] read) {
        return "loss sum " + read[0] + " over " + count + " rows; " + badGradients(read) + " of " + (read.length - 3)
                + " parameters with non-finite gradients";
    }

    /**
     * The loss a share back-propagates: weighted by the selection's weights, or a mean (the trainer's own, or over the
     * sampler's weighted losses) scaled to the share's part of the step.
     */
    private static NDArray shareLoss(Trainer trainer, StepRows rows, List<long[]> ranges, int i, NDArray perSample,
            NDList labels, NDList predictions, Device[] devices) {
        Device device = devices[i % devices.length];
        NDArray sampled = rows.sampleWeights() == null ? null : share(rows.sampleWeights(), ranges, i, device);
        if (rows.weights() != null) {
            NDArray weights = share(rows.weights(), ranges, i, device);
            return rescaledLoss(perSample, sampled == null ? weights : weights.mul(sampled), rows.divisor());
        }
        NDArray loss = sampled == null ? trainer.getLoss().evaluate(labels, predictions) : perSample.mul(sampled).mean();
        if (ranges.size() > 1) {
            long shareSize = ranges.get(i)[1] - ranges.get(i)[0];
            loss = loss.mul((float) shareSize / rows.count());
        }
        return loss;
    }

    /**
     * Returns {@code sum(w * loss) / divisor}: with weights whose expectation is 1 and the scored batch's size as
     * divisor, an unbiased estimate of the full batch's mean loss, and so of its gradient.
     *
     * @param perSample the trained samples' losses
     * @param weights their weights
     * @param divisor the scored batch's size (per-batch steps) or the step's rows (pooled steps)
     * @return the scalar loss
     */
    static NDArray rescaledLoss(NDArray perSample, NDArray weights, int divisor) {
        return perSample.mul(weights).sum().div((float) divisor);
    }

    /** The i-th share of a row-wise array, on its device. */
    private static NDArray share(NDArray array, List<long[]> ranges, int i, Device device) {
        NDArray share = ranges.size() == 1 ? array : array.get(ranges.get(i)[0] + ":" + ranges.get(i)[1]);
        return share.toDevice(device, false);
    }

    /** The i-th share of some arrays: all of them when there is one share, so a single device copies nothing. */
    private static NDList share(NDList arrays, List<long[]> ranges, int i) {
        if (ranges.size() == 1) {
            return arrays;
        }
        String slice = ranges.get(i)[0] + ":" + ranges.get(i)[1];
        NDList share = new NDList(arrays.size());
        arrays.forEach(array -> share.add(array.get(slice)));
        return share;
    }

    static NDList toDevice(NDList arrays, Device device) {
        return arrays.head().getDevice().equals(device) ? arrays : arrays.toDevice(device, false);
    }

    static NDList gather(List<NDList> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList heads = new NDList();
        shares.forEach(share -> heads.add(share.head()));
        return new NDList(concat(heads, device));
    }

    static NDArray concat(List<NDArray> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList onDevice = new NDList();
        shares.forEach(share -> onDevice.add(share.toDevice(device, false)));
        return NDArrays.concat(onDevice);
    }
}
