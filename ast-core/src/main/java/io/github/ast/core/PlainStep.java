package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.PerSampleLoss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain DJL step, for a policy whose every-row batches train as {@code EasyTrain.trainBatch} and
 * {@code trainer.step()} do ({@link io.github.ast.api.SelectionPolicy.Unscored#plainSteps}): no host read per batch,
 * so that a policy that mostly trains everything costs what plain training does. Every batch's loss adds up on the
 * engine, with, on every {@link #SAMPLE_EVERY}-th batch, its loss sum and correct predictions (the epoch's training
 * figures, sampled) and, in the first epoch, labels outside the outputs; they are read every {@link #READ_EVERY}
 * batches and at the epoch's end, when a non-finite loss or a bad label stops the run, within that many batches,
 * instead of the guarded step's skipping it. With a score history the step back-propagates the mean of the
 * per-sample losses it records there (the trainer's loss otherwise, as {@code EasyTrain} does).
 */
final class PlainStep {

    private static final Logger LOG = LoggerFactory.getLogger(PlainStep.class);

    /** Batches between reads of the figures. */
    static final int READ_EVERY = 64;

    private final PerSampleLoss perSampleLoss;
    private final NDManager manager;
    /** Clips each step's gradients ({@code ast.clipNorm}), or null. */
    private final GradientClipping clipping;
    /** Batches between the sampled batches whose loss and accuracy make the epoch's training figures. */
    static final int SAMPLE_EVERY = 8;

    /** The sum of every batch's loss, not finite once one was not; a float32 scalar on {@link #manager}, or null. */
    private NDArray lossTotal;
    /** Sampled batches' loss sum and correct predictions, and invalid labels; float32 (3), or null. */
    private NDArray stats;
    private int sampledRows;
    private int pendingBatches;
    private boolean checkLabels = true;

    PlainStep(PerSampleLoss perSampleLoss, NDManager runManager, GradientClipping clipping) {
        this.perSampleLoss = perSampleLoss;
        this.manager = runManager;
        this.clipping = clipping;
    }

    /**
     * Trains a batch's every row with the plain step and tells the listeners.
     *
     * @param history the run's history, or null
     * @param indices the batch's dataset indices when there is a history
     * @param steps notifies the trainer's listeners
     * @return the batch's tally, its figures added when they were read
     */
    BatchTally train(Trainer trainer, Batch batch, SampleHistory history, NDArray indices, BatchSteps steps,
            StepGuard guard) {
        int size = batch.getSize();
        NDList data = batch.getData();
        NDList labels = batch.getLabels();
        NDList predictions;
        NDArray loss;
        NDArray perSample = null;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            predictions = trainer.forward(data, labels);
            if (history == null) {
                loss = trainer.getLoss().evaluate(labels, predictions); // EasyTrain's loss, bit for bit
            } else {
                perSample = perSampleLoss.computeUnchecked(labels, predictions); // computed once, for the history
                loss = perSample.mean();
            }
            collector.backward(loss);
        }
        boolean sampled = pendingBatches % SAMPLE_EVERY == 0;
        NDArray batchLoss = loss.getDataType() == DataType.FLOAT32 ? loss : loss.toType(DataType.FLOAT32, false);
        lossTotal = add(lossTotal, batchLoss);
        if (sampled || checkLabels) {
            NDArray zero = batchLoss.zerosLike();
            NDArray invalid = checkLabels ? perSampleLoss.countInvalidLabels(labels, predictions) : null;
            stats = add(stats, NDArrays.stack(new NDList(sampled ? batchLoss.mul(size) : zero,
                    sampled ? Validation.count(Validation.correct(predictions.head(), labels)) : zero,
                    invalid == null ? zero : Validation.figure(invalid, batchLoss.getDevice()))));
            sampledRows += sampled ? size : 0;
        }
        if (history != null) {
            history.recordDeferred(indices, predictions.head(), perSample);
        }
        steps.notifyTraining(trainer, batch, labels, predictions);
        if (clipping != null) {
            clipping.clip(trainer);
        }
        trainer.step();
        BatchTally tally = new BatchTally(size).all(size).rowsOnly(size);
        if (++pendingBatches == READ_EVERY) {
            addFigures(tally, trainer, guard);
        }
        return tally;
    }

    /** {@return the running sum plus a batch's values}, kept on the run's manager */
    private NDArray add(NDArray sum, NDArray values) {
        if (sum == null) {
            NDArray first = values.duplicate();
            first.attach(manager);
            return first;
        }
        NDArray next = sum.add(values);
        sum.close();
        return next;
    }

    /**
     * Starts an epoch: labels are counted against the outputs in the run's first epoch, which sees every row of a
     * fixed training set, and not after, to keep the step free of work plain training does not do.
     *
     * @param epoch the 1-based epoch
     */
    void startEpoch(int epoch) {
        checkLabels = epoch == 1;
    }

    /**
     * Reads the figures added up since the last read into a tally, and stops the run if a loss was not finite or a
     * label did not fit the outputs.
     *
     * @return whether there were any
     */
    boolean addFigures(BatchTally tally, Trainer trainer, StepGuard guard) {
        if (lossTotal == null) {
            return false;
        }
        float[] read = readAll();
        int batches = pendingBatches;
        int rows = sampledRows;
        close();
        if (read[3] > 0) {
            throw new IllegalArgumentException(Math.round(read[3]) + " labels of the last " + batches + " batches do "
                    + "not fit the model's outputs (labels must be class indices in [0, classes))");
        }
        if (!Float.isFinite(read[0])) {
            LOG.warn("A loss of the last {} plain steps was not finite (their sum: {})", batches, read[0]);
            guard.requireFiniteParameters(trainer);
        }
        tally.figures(rows, read[1], Math.round(read[2]));
        return true;
    }

    /** The batch losses' sum, the sampled loss sum and correct predictions, and invalid labels: one read. */
    private float[] readAll() {
        NDArray all = stats == null ? lossTotal.reshape(1)
                : NDArrays.concat(new NDList(lossTotal.reshape(1), stats));
        float[] read = all.toFloatArray();
        return read.length == 4 ? read : new float[] {read[0], 0, 0, 0};
    }

    /**
     * The figures added up since the last read, as a checkpoint carries them: read without resetting, so that the
     * run goes on adding to the same sums on the engine as an uninterrupted one.
     *
     * @param figures the losses' sum, the sampled loss sum and correct predictions, invalid labels
     * @param batches batches they cover
     * @param rows rows of the sampled batches
     */
    record Pending(float[] figures, int batches, int rows) {}

    /** {@return the figures not read yet}, or null when there are none */
    Pending pending() {
        return lossTotal == null ? null : new Pending(readAll(), pendingBatches, sampledRows);
    }

    /** Restores what {@link #pending} returned before a checkpoint. */
    void restore(Pending pending) {
        close();
        if (pending != null && pending.figures() != null) {
            float[] f = pending.figures();
            lossTotal = manager.create(f[0]);
            stats = manager.create(new float[] {f[1], f[2], f[3]});
            pendingBatches = pending.batches();
            sampledRows = pending.rows();
        }
    }

    /** Frees the figures not read yet (after a read, or when the run ends). */
    void close() {
        if (lossTotal != null) {
            lossTotal.close();
        }
        if (stats != null) {
            stats.close();
        }
        lossTotal = null;
        stats = null;
        pendingBatches = 0;
        sampledRows = 0;
    }
}
