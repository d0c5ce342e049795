package io.github.ast.core.sampling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.SampleWeights;
import io.github.ast.djl.sampling.WeightedSubsetSampler;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Training with per-sample weights from the sampler ({@link SampleWeights}: {@link InfoBatchSampler},
 * {@link WeightedSubsetSampler}), in the shape of DJL's {@code EasyTrain}: {@link #trainBatch} is forward,
 * per-sample losses, the loss {@code mean(w * loss)}, backward, and the losses handed back to the sampler; the caller
 * then calls {@code trainer.step()}, unless the step reports the batch skipped (non-finite losses: stepping on the
 * zeroed gradients would still move Adam's parameters by its momentum). {@link #fit} is {@code EasyTrain.fit} with
 * that step. Listeners receive {@code onTrainingBatch} and {@code onEpoch} as under {@code EasyTrain}. One device.
 */
public final class WeightedTraining {

    private WeightedTraining() {}

    /**
     * What a step did.
     *
     * @param meanLoss the unweighted mean loss of the batch, NaN when it was skipped
     * @param skipped whether the losses were not finite, so nothing was back-propagated or recorded
     */
    public record Step(double meanLoss, boolean skipped) {}

    /**
     * Trains one batch drawn from a dataset sampled by {@code sampler}.
     *
     * @param trainer the DJL trainer
     * @param batch a batch whose indices ({@code batch.getIndices()}) the sampler yielded
     * @param sampler the dataset's sampler, for the weights and the recorded losses
     * @param loss the per-sample loss matching the trainer's loss
     * @return what the step did; a step with non-finite losses is skipped: no backward, nothing recorded
     * @throws IllegalArgumentException if the batch carries no dataset indices
     */
    public static Step trainBatch(Trainer trainer, Batch batch, SampleWeights sampler, PerSampleLoss loss) {
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            throw new IllegalArgumentException("Weighted training needs batches that carry their dataset indices, as a "
                    + "RandomAccessDataset's do; this batch has " + (indices == null ? "none"
                            : indices.size() + " for " + batch.getSize() + " samples"));
        }
        NDList data = batch.getData();
        NDList labels = batch.getLabels();
        NDArray weights = batch.getManager().create(sampler.weights(indices));
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(data, labels);
            NDArray perSample = loss.compute(labels, predictions);
            // The one host read: every sample's loss, for the sampler and to catch non-finite ones.
            float[] losses = perSample.toType(DataType.FLOAT32, false).toFloatArray();
            double sum = 0;
            for (float value : losses) {
                sum += value;
            }
            if (!Double.isFinite(sum)) {
                return new Step(Double.NaN, true);
            }
            collector.backward(perSample.mul(weights.toDevice(perSample.getDevice(), false)).mean());
            sampler.record(indices, losses);
            Device device = labels.head().getDevice();
            BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
            trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
            return new Step(sum / losses.length, false);
        }
    }

    /**
     * Trains epochs as {@code EasyTrain.fit} does, each batch with {@link #trainBatch}: the training dataset must be
     * sampled by {@code sampler} ({@code ArrayDataset.Builder.setSampling(sampler)}).
     *
     * @param trainer the DJL trainer
     * @param epochs how many epochs, >= 1
     * @param train the training dataset, sampled by {@code sampler}
     * @param validation the validation dataset, or null
     * @param sampler the training dataset's sampler
     * @param loss the per-sample loss matching the trainer's loss
     * @return how many batches were skipped for non-finite losses
     * @throws IOException if a dataset cannot be read
     * @throws TranslateException if a dataset cannot be batched
     */
    public static int fit(Trainer trainer, int epochs, Dataset train, Dataset validation, SampleWeights sampler,
            PerSampleLoss loss) throws IOException, TranslateException {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be >= 1");
        }
        int skipped = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    if (trainBatch(trainer, batch, sampler, loss).skipped()) {
                        skipped++;
                    } else {
                        trainer.step();
                    }
                }
            }
            if (validation != null) {
                EasyTrain.evaluateDataset(trainer, validation);
            }
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        }
        return skipped;
    }
}
