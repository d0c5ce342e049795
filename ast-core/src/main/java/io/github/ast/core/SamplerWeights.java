package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Batch;
import io.github.ast.djl.sampling.SampleWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampler-level stage: the weights the training set's sampler gave its samples (InfoBatch's up-weighted
 * survivors, a selection made on a cluster), applied to each step's loss, and the losses of the trained rows handed
 * back to it, for samplers that learn from them.
 */
final class SamplerWeights {

    private final SampleWeights sampler;

    SamplerWeights(SampleWeights sampler) {
        this.sampler = sampler;
    }

    /**
     * Refuses sampler weights with pooled steps, which mix rows of several batches.
     *
     * @param sampled the sampler's weights, or null
     * @param backwardBatch {@code ast.backwardBatch}
     * @throws io.github.ast.api.ConfigurationException if both are set
     */
    static void requirePerBatchSteps(SamplerWeights sampled, int backwardBatch) {
        if (sampled != null && backwardBatch > 0) {
            throw new io.github.ast.api.ConfigurationException("ast.backwardBatch=" + backwardBatch + " pools rows "
                    + "across batches, but the sampler's weights are applied per batch: use ast.backwardBatch=0 with "
                    + "a weighting sampler");
        }
    }

    /**
     * Returns the batch's weights, one per row, on the batch's manager.
     *
     * @throws IllegalArgumentException if the batch carries no dataset indices
     */
    NDArray of(Batch batch) {
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            throw new IllegalArgumentException("Weights from the sampler need batches that carry their dataset "
                    + "indices, as a RandomAccessDataset's do; this batch has " + (indices == null ? "none"
                            : indices.size() + " for " + batch.getSize() + " samples"));
        }
        return batch.getManager().create(sampler.weights(indices));
    }

    /**
     * Hands the trained rows' losses back to the sampler (one host read).
     *
     * @param rows the batch rows trained, or null for all of them in order
     */
    void record(Batch batch, NDArray rows, NDArray losses) {
        List<?> all = batch.getIndices();
        List<?> trained = all;
        if (rows != null) {
            List<Object> picked = new ArrayList<>();
            for (long row : rows.toLongArray()) {
                picked.add(all.get(Math.toIntExact(row)));
            }
            trained = picked;
        }
        sampler.record(trained, losses.toType(DataType.FLOAT32, false).toFloatArray());
    }
}
