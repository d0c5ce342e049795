package io.github.ast.core.sampling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener.BatchData;
import io.github.ast.api.PerSampleLoss;
import java.util.List;
import java.util.Map;

/**
 * The training step of {@link InfoBatchSampler}, in the shape of DJL's {@code EasyTrain.trainBatch}: forward,
 * per-sample losses, the loss {@code mean(w * loss)} with the sampler's weights, backward, and the losses recorded
 * for the next epoch's pruning; the caller then calls {@code trainer.step()}, unless the step reports the batch
 * skipped (non-finite losses: stepping on the zeroed gradients would still move Adam's parameters by its momentum).
 * Listeners receive {@code onTrainingBatch} as under {@code EasyTrain}. One device.
 */
public final class InfoBatchTraining {

    private InfoBatchTraining() {}

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
     * @param sampler the sampler, for the weights and the recorded losses
     * @param loss the per-sample loss matching the trainer's loss
     * @return what the step did; a step with non-finite losses is skipped: no backward, nothing recorded
     * @throws IllegalArgumentException if the batch carries no dataset indices
     */
    public static Step trainBatch(Trainer trainer, Batch batch, InfoBatchSampler sampler, PerSampleLoss loss) {
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            throw new IllegalArgumentException("InfoBatch needs batches that carry their dataset indices, as a "
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
}
