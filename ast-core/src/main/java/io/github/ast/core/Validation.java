package io.github.ast.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.SelectionPolicy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks on what the loop is given (configuration, batches), and the validation pass after each epoch. */
final class Validation {

    private static final Logger LOG = LoggerFactory.getLogger(Validation.class);

    private Validation() {}

    /**
     * Checks what a run needs before it starts: the configured engine is the trainer's, a target schedule has a
     * threshold to move, and batch checkpoints fall on the reseeding grid.
     */
    static void requireFittable(AstConfig config, Gate gate, SelectionPolicy policy, Trainer trainer, int epochs,
            Dataset trainingSet, Dataset validationSet, Checkpointing checkpointing) {
        if (epochs < 1) {
            throw new ConfigurationException("epochs=" + epochs + " must be >= 1");
        }
        Engine engine = trainer.getManager().getEngine();
        if (!config.plugins().engine().isEmpty()
                && !config.plugins().engine().equalsIgnoreCase(engine.getEngineName())) {
            throw new ConfigurationException("ast.engine=" + config.plugins().engine() + " but the trainer's model "
                    + "runs on " + engine.getEngineName() + "; create the model with Model.newInstance(name, \""
                    + config.plugins().engine() + "\") or change ast.engine (available engines: "
                    + Engine.getAllEngines() + ")");
        }
        if (!Double.isNaN(config.selection().targetStart()) && !gate.usesThreshold()) {
            throw new ConfigurationException("ast.targetStart schedules the controller's target, but gate '"
                    + config.plugins().gate() + "' keeps a fixed rate and ignores the threshold; use threshold or "
                    + "probabilistic");
        }
        if (checkpointing != null && config.random().reseedEvery() == 0) {
            throw new ConfigurationException("ast.reseedEvery=0 never restarts the random generators, so a run "
                    + "resumed from a checkpoint could not draw what the uninterrupted run draws: fit without "
                    + "checkpointing, or set ast.reseedEvery >= 1");
        }
        if (checkpointing != null && checkpointing.everyBatches() % config.random().reseedEvery() != 0) {
            throw new ConfigurationException("checkpoint every " + checkpointing.everyBatches() + " batches is not a "
                    + "multiple of ast.reseedEvery=" + config.random().reseedEvery()
                    + ": randomness restarts from seeds only "
                    + "at multiples of it, so a resume from such a checkpoint could not continue as the uninterrupted "
                    + "run does; checkpoint every multiple of " + config.random().reseedEvery() + " batches, or set "
                    + "ast.reseedEvery to a divisor of " + checkpointing.everyBatches());
        }
        if (checkpointing != null && policy instanceof SelectionPolicy.ResizesBatches resizing
                && resizing.resizesBatches()) {
            throw new ConfigurationException("ast.policy=" + config.plugins().policy()
                    + " resizes the training set's batches "
                    + "(an AdjustableBatchSize service was supplied), and a checkpoint's position in an epoch counts "
                    + "batches of one size: fit without checkpointing, or without the AdjustableBatchSize service");
        }
        String noSelection = noSelectingEpoch(config.selection(), epochs);
        if (noSelection != null) {
            LOG.warn(noSelection);
        }
        if (trainingSet instanceof RandomAccessDataset r && r.size() == 0) {
            throw new ConfigurationException("the training set is empty (a RandomAccessDataset of size 0): there is "
                    + "nothing to train");
        }
        if (validationSet instanceof RandomAccessDataset r && r.size() == 0) {
            throw new ConfigurationException("validationSet is empty (a RandomAccessDataset of size 0): pass null to "
                    + "train without validation, or a dataset with samples");
        }
    }

    /**
     * Says why a run's warm-up and annealing epochs leave it no epoch of selection, or null when they do not: it
     * trains on all data throughout while its configuration says it selects. A warning, not an error, because a run
     * may be started for its warm-up alone and extended later from its checkpoint.
     */
    static String noSelectingEpoch(SelectionConfig selection, int epochs) {
        if (selection.warmupEpochs() + selection.annealEpochs() < epochs) {
            return null;
        }
        return "ast.warmupEpochs=" + selection.warmupEpochs() + " and ast.annealEpochs=" + selection.annealEpochs()
                + " leave no epoch of selection in a run of " + epochs + " epochs: every epoch trains on all data. "
                + "Together they must be below the run's epochs for it to select";
    }

    /**
     * Fails clearly when a batch's inputs do not have the shape the model was initialised with (batch dimension
     * aside), instead of deep in the engine's native code.
     */
    static void requireModelInputShape(Trainer trainer, NDList data) {
        Shape[] expected = trainer.getModel().getBlock().getInputShapes();
        if (expected.length != data.size()) {
            throw new IllegalArgumentException("the batch has " + data.size() + " input arrays but the model takes "
                    + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            Shape actual = data.get(i).getShape();
            if (actual.dimension() != expected[i].dimension()
                    || !actual.slice(1).equals(expected[i].slice(1))) {
                throw new IllegalArgumentException("input " + i + " has shape " + actual + " but the model was "
                        + "initialised for (batch" + (expected[i].dimension() > 1 ? ", " : "")
                        + expected[i].slice(1).toString().replaceAll("[()]", "") + ")");
            }
        }
    }

    /**
     * Evaluates the model on a dataset, firing {@code onValidationBatch} like {@code EasyTrain.validateBatch}. Rows
     * whose inputs are not finite are left out of the figures and counted: folded in, they would make the loss NaN
     * on one engine and a finite wrong number on another. A non-finite loss of finite inputs stays in (a NaN
     * validation loss then says the model diverged).
     *
     * @return mean per-sample loss and accuracy over the finite rows, and the number of rows left out
     */
    static double[] evaluate(Trainer trainer, Dataset dataset, PerSampleLoss perSampleLoss)
            throws IOException, TranslateException {
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        long leftOut = 0;
        for (Batch batch : trainer.iterateDataset(dataset)) {
            try (batch) {
                if (batch.getSize() == 0) {
                    continue;
                }
                // The same checks as training batches: bad validation data fails clearly, not in native code.
                requireModelInputShape(trainer, batch.getData());
                NDList labels = batch.getLabels();
                NDList predictions = trainer.evaluate(batch.getData());
                perSampleLoss.validate(labels, predictions);
                NDArray losses = perSampleLoss.compute(labels, predictions);
                NDArray finite = NonFinite.rows(batch.getData()).toDevice(losses.getDevice(), false).logicalNot();
                float[] counts = NDArrays.stack(new NDList(
                        NDArrays.where(finite, losses, losses.zerosLike()).sum().toType(DataType.FLOAT32, false),
                        count(correct(predictions.head(), labels).logicalAnd(finite)), count(finite)))
                        .toFloatArray();
                long kept = Math.round(counts[2]);
                lossSum += counts[0];
                correct += Math.round(counts[1]);
                total += kept;
                leftOut += batch.getSize() - kept;
                Device device = labels.head().getDevice();
                BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
                trainer.notifyListeners(listener -> listener.onValidationBatch(trainer, batchData));
            }
        }
        if (total + leftOut == 0) {
            throw new ConfigurationException("validationSet yielded no rows: pass null to train without validation, "
                    + "or a dataset with samples");
        }
        return new double[] {ratio(lossSum, total), ratio(correct, total), leftOut};
    }

    static double ratio(double numerator, long denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }

    /** Returns the boolean mask of rows whose arg-max prediction is the label. */
    static NDArray correct(NDArray predictions, NDList labels) {
        return predictions.argMax(1).toType(DataType.INT64, false).eq(labels.head().toType(DataType.INT64, false));
    }

    /** Returns a mask's true count as a float32 scalar, for stacking with other figures into one host read. */
    static NDArray count(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).sum();
    }

    /**
     * Fails a batch whose figures counted invalid labels: the loss's {@code validate} names them (and throws); should
     * it not, a message with the count.
     *
     * @param invalid the count read with the batch's figures
     * @param perSampleLoss the loss that counted them
     * @param labels each share's labels
     * @param predictions each share's outputs
     */
    static void requireValidLabels(float invalid, PerSampleLoss perSampleLoss, List<NDList> labels,
            List<NDList> predictions) {
        if (invalid > 0) {
            for (int i = 0; i < labels.size(); i++) {
                perSampleLoss.validate(labels.get(i), predictions.get(i));
            }
            throw new IllegalArgumentException(Math.round(invalid) + " labels do not fit the model's outputs");
        }
    }

    /**
     * Returns a figure a plugin computed (a count of invalid labels) as a float32 scalar on a device, whatever type,
     * shape of one element or device the plugin returned, for stacking with the trainer's own figures.
     */
    static NDArray figure(NDArray value, Device device) {
        NDArray scalar = value.getShape().isScalar() ? value : value.reshape(new Shape());
        return scalar.toType(DataType.FLOAT32, false).toDevice(device, false);
    }
}
