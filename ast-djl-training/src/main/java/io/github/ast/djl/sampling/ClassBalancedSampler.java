package io.github.ast.djl.sampling;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Class-balanced sampling, the first remedy for a long tail: every draw picks a class uniformly among those present,
 * then one of its rows uniformly, with replacement, so that every class is as frequent in the batches as any other
 * however rare it is in the data. An epoch is as many draws as the dataset has rows. Seeded by its own generator.
 */
public final class ClassBalancedSampler implements Sampler {

    private final int batchSize;
    private final int[][] rowsByClass;
    private final int rows;
    private final Random random;

    /**
     * Creates a sampler.
     *
     * @param batchSize rows per batch, >= 1
     * @param labels every dataset row's class index
     * @param seed seeds the draws
     * @throws IllegalArgumentException if the batch size is below 1, or a label is negative
     */
    public ClassBalancedSampler(int batchSize, int[] labels, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        int classes = ClassLabels.count(labels);
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] rows = new int[classes][];
        for (int c = 0; c < classes; c++) {
            rows[c] = new int[counts[c]];
        }
        int[] filled = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            rows[labels[i]][filled[labels[i]]++] = i;
        }
        this.rowsByClass = Arrays.stream(rows).filter(r -> r.length > 0).toArray(int[][]::new);
        this.batchSize = batchSize;
        this.rows = labels.length;
        this.random = new Random(seed);
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int n = Math.toIntExact(dataset.size());
        ClassLabels.requireRows(rows, n, "class-balanced sampler");
        List<Long> epoch = new ArrayList<>(n);
        for (int i = 0; i < n && rowsByClass.length > 0; i++) {
            int[] rows = rowsByClass[random.nextInt(rowsByClass.length)];
            epoch.add((long) rows[random.nextInt(rows.length)]);
        }
        return Batches.of(epoch, batchSize, false);
    }
}
