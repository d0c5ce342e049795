package io.github.ast.djl.sampling;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Trains a subset of a dataset chosen elsewhere, each sample with its own weight: a selection scored on a cluster
 * ({@code ast-spark}) plugs into AST's {@code fit} ({@code AdaptiveSparseTraining.Builder.sampleWeights}) through it. Each epoch yields the subset's indices
 * reshuffled, in full-size batches (the last one may be smaller); {@link #use} swaps in the next epoch's selection.
 * Not thread-safe.
 */
public final class WeightedSubsetSampler implements Sampler, SampleWeights {

    private final int batchSize;
    private final Random random;
    private long[] indices;
    private float[] weights;
    private long[] sortedIndices;
    private float[] sortedWeights;

    /**
     * Creates a sampler over a selection.
     *
     * @param batchSize rows per batch, >= 1
     * @param indices the selected dataset indices, distinct and >= 0
     * @param weights one finite weight >= 0 per index
     * @param seed seeds the shuffles
     * @throws IllegalArgumentException naming the first bad value
     */
    public WeightedSubsetSampler(int batchSize, long[] indices, float[] weights, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        this.batchSize = batchSize;
        this.random = new Random(seed);
        use(indices, weights);
    }

    /**
     * Replaces the selection from the next epoch on (the current epoch's batches were already cut).
     *
     * @param indices the selected dataset indices, distinct and >= 0
     * @param weights one finite weight >= 0 per index
     * @throws IllegalArgumentException naming the first bad value; the previous selection stays
     */
    public void use(long[] indices, float[] weights) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(weights, "weights");
        if (indices.length != weights.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + weights.length + " weights");
        }
        Integer[] order = new Integer[indices.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (indices[i] < 0) {
                throw new IllegalArgumentException("selected index " + indices[i] + " is negative");
            }
            if (!(Float.isFinite(weights[i]) && weights[i] >= 0)) {
                throw new IllegalArgumentException("weight " + weights[i] + " of index " + indices[i]
                        + " must be finite and >= 0");
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(indices[a], indices[b]));
        long[] sorted = new long[order.length];
        float[] sortedW = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = indices[order[i]];
            sortedW[i] = weights[order[i]];
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("index " + sorted[i] + " is selected twice");
            }
        }
        this.indices = indices.clone();
        this.weights = weights.clone();
        this.sortedIndices = sorted;
        this.sortedWeights = sortedW;
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }

    /**
     * Yields the selection reshuffled.
     *
     * @throws IllegalArgumentException if a selected index is outside the dataset: the selection was made for
     *     another dataset
     */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        long size = dataset.size();
        if (sortedIndices.length > 0 && sortedIndices[sortedIndices.length - 1] >= size) {
            throw new IllegalArgumentException("the selection holds index " + sortedIndices[sortedIndices.length - 1]
                    + " but the dataset has " + size + " samples: it was made for another dataset");
        }
        List<Long> epoch = new ArrayList<>(indices.length);
        for (long index : indices) {
            epoch.add(index);
        }
        for (int i = epoch.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            epoch.set(i, epoch.set(j, epoch.get(i)));
        }
        return Batches.of(epoch, batchSize, false);
    }

    @Override
    public float[] weights(List<?> batch) {
        float[] out = new float[batch.size()];
        for (int i = 0; i < out.length; i++) {
            long index = ((Number) batch.get(i)).longValue();
            int at = Arrays.binarySearch(sortedIndices, index);
            if (at < 0) {
                throw new IllegalStateException("dataset index " + index + " is not in the selection");
            }
            out[i] = sortedWeights[at];
        }
        return out;
    }

    /** {@return how many samples the selection holds} */
    public int size() {
        return indices.length;
    }
}
