package io.github.ast.djl.sampling;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import io.github.ast.api.AdjustableBatchSize;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * RS2 (Okanovic et al. 2023, repeated sampling of random subsets): every epoch trains a fresh random {@code fraction}
 * of the dataset, taken by walking a shuffled permutation, so that {@code 1 / fraction} epochs visit every sample once
 * before any repeats; batches stay full size. With {@code fraction} 1 it is a plain shuffled epoch sampler.
 *
 * <p>The random baseline every selection method must beat at equal time: it costs nothing to decide. Its shuffles
 * come from its own seeded generator, not the engine's, so two runs with the same seed see the same batches whatever
 * else draws random numbers; each call of {@link #sample} is one epoch and continues the walk.
 *
 * <p>A selection policy may resize the batches as it goes ({@link AdjustableBatchSize}): each batch takes the size
 * asked for last when it is drawn.
 */
public final class Rs2Sampler implements Sampler, AdjustableBatchSize {

    private volatile int batchSize;
    private final double fraction;
    private final boolean dropLast;
    private final Random random;
    private long[] permutation = new long[0];
    private int position;

    /**
     * Creates a sampler.
     *
     * @param batchSize rows per batch, >= 1
     * @param fraction share of the dataset per epoch, in (0, 1]
     * @param dropLast whether an epoch's last, smaller batch is dropped
     * @param seed seeds the shuffles
     * @throws IllegalArgumentException naming a value outside its range
     */
    public Rs2Sampler(int batchSize, double fraction, boolean dropLast, long seed) {
        this.batchSize = requirePositive(batchSize);
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("RS2 fraction " + fraction + " must be in (0, 1]");
        }
        this.fraction = fraction;
        this.dropLast = dropLast;
        this.random = new Random(seed);
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }

    @Override
    public void setBatchSize(int rows) {
        batchSize = requirePositive(rows);
    }

    private static int requirePositive(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        return batchSize;
    }

    /**
     * Returns how many samples an epoch over a dataset of {@code size} draws.
     *
     * @param size the dataset's size
     * @return {@code round(fraction * size)}, at least 1 for a non-empty dataset
     */
    public long epochSize(long size) {
        return size == 0 ? 0 : Math.max(1, Math.round(fraction * size));
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        long size = dataset.size();
        if (permutation.length != size) {
            permutation = new long[Math.toIntExact(size)];
            position = permutation.length;
        }
        long wanted = epochSize(size);
        List<Long> epoch = new ArrayList<>(Math.toIntExact(wanted));
        while (epoch.size() < wanted) {
            if (position == permutation.length) {
                reshuffle(epoch);
            }
            epoch.add(permutation[position++]);
        }
        return Batches.of(epoch, () -> batchSize, dropLast);
    }

    /**
     * Starts a new pass: a fresh Fisher-Yates shuffle of 0..size-1, with the indices the current epoch already drew
     * from the previous pass moved (in shuffled order) to its end, so that an epoch crossing two passes holds no index
     * twice and every pass still holds each index once.
     */
    private void reshuffle(List<Long> drawnThisEpoch) {
        for (int i = 0; i < permutation.length; i++) {
            permutation[i] = i;
        }
        for (int i = permutation.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        if (!drawnThisEpoch.isEmpty()) {
            boolean[] drawn = new boolean[permutation.length];
            drawnThisEpoch.forEach(index -> drawn[Math.toIntExact(index)] = true);
            long[] reordered = new long[permutation.length];
            int front = 0;
            int back = permutation.length - drawnThisEpoch.size();
            for (long index : permutation) {
                reordered[drawn[(int) index] ? back++ : front++] = index;
            }
            permutation = reordered;
        }
        position = 0;
    }
}
