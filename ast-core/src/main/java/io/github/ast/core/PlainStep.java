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
 * so that a policy that mostly trains everything costs what plain training does. The batch's figures (loss sum,
 * correct predictions and, in the first epoch, labels outside the outputs) add up on the engine and are read every
 * {@link #READ_EVERY} batches and at the epoch's end: the epoch line gets them then, and a non-finite loss or a bad
 * label stops the run then, within that many batches, instead of the guarded step's skipping it. With a score
 * history the rows' losses are recorded there, on the engine.
 */
final class PlainStep {

    private static final Logger LOG = LoggerFactory.getLogger(PlainStep.class);

    /** Batches between reads of the figures. */
    static final int READ_EVERY = 64;

    private final PerSampleLoss perSampleLoss;
    private final NDManager manager;
    /** Loss sum (not finite once a loss was not), correct, invalid labels; float32 on {@link #manager}, or null. */
    private NDArray figures;
    private int pendingRows;
    private int pendingBatches;
    private boolean checkLabels = true;

    PlainStep(PerSampleLoss perSampleLoss, NDManager runManager) {
        this.perSampleLoss = perSampleLoss;
        this.manager = runManager;
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
        try (GradientCollector collector = trainer.newGradientCollector()) {
            predictions = trainer.forward(data, labels);
            loss = trainer.getLoss().evaluate(labels, predictions);
            collector.backward(loss);
        }
        NDArray invalid = checkLabels ? perSampleLoss.countInvalidLabels(labels, predictions) : null;
        NDList batchFigures = new NDList(loss.getDataType() == DataType.FLOAT32 ? loss.mul(size)
                : loss.toType(DataType.FLOAT32, false).mul(size),
                Validation.count(Validation.correct(predictions.head(), labels)));
        if (invalid != null) {
            batchFigures.add(Validation.figure(invalid, loss.getDevice()));
        }
        accumulate(batchFigures);
        if (history != null) {
            history.recordDeferred(indices, predictions.head(), perSampleLoss.computeUnchecked(labels, predictions));
        }
        steps.notifyTraining(trainer, batch, labels, predictions);
        trainer.step();
        pendingRows += size;
        BatchTally tally = new BatchTally(size).all(size).rowsOnly(size);
        if (++pendingBatches == READ_EVERY) {
            addFigures(tally, trainer, guard);
        }
        return tally;
    }

    private void accumulate(NDList batchFigures) {
        if (batchFigures.size() == 2) {
            batchFigures.add(batchFigures.head().zerosLike()); // no labels counted
        }
        NDArray stacked = NDArrays.stack(batchFigures);
        if (figures == null) {
            figures = stacked;
            figures.attach(manager);
            return;
        }
        NDArray sum = figures.add(stacked);
        figures.close();
        figures = sum;
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
        if (figures == null) {
            return false;
        }
        float[] read = figures.toFloatArray();
        int rows = pendingRows;
        int batches = pendingBatches;
        figures.close();
        figures = null;
        pendingRows = 0;
        pendingBatches = 0;
        if (read[2] > 0) {
            throw new IllegalArgumentException(Math.round(read[2]) + " labels of the last " + batches + " batches do "
                    + "not fit the model's outputs (labels must be class indices in [0, classes))");
        }
        if (!Float.isFinite(read[0])) {
            LOG.warn("A loss of the last {} plain steps was not finite (their sum: {})", batches, read[0]);
            guard.requireFiniteParameters(trainer);
        }
        tally.figures(rows, read[0], Math.round(read[1]));
        return true;
    }

    /**
     * The figures added up since the last read, as a checkpoint carries them: read without resetting, so that the
     * run goes on adding to the same sums on the engine as an uninterrupted one.
     *
     * @param figures the sums, or null when none are pending
     * @param rows rows they cover
     * @param batches batches they cover
     */
    record Pending(float[] figures, int rows, int batches) {}

    /** {@return the figures not read yet}, or null when there are none */
    Pending pending() {
        return figures == null ? null : new Pending(figures.toFloatArray(), pendingRows, pendingBatches);
    }

    /** Restores what {@link #pending} returned before a checkpoint. */
    void restore(Pending pending) {
        close();
        if (pending != null && pending.figures() != null) {
            figures = manager.create(pending.figures());
            pendingRows = pending.rows();
            pendingBatches = pending.batches();
        }
    }

    /** Frees the figures not read yet (the run ends). */
    void close() {
        if (figures != null) {
            figures.close();
            figures = null;
        }
    }
}
