package io.github.ast.djl.sampling;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * InfoBatch (Qin et al., ICLR 2024) as a DJL {@link Sampler}: before each epoch, every sample whose last training
 * loss is below the mean of the recorded losses is dropped with probability {@code pruneRatio}; the kept ones of that
 * group train with weight {@code 1 / (1 - pruneRatio)} (exactly: their group's size over the number kept), so that
 * the weighted loss stays an unbiased estimate of the full epoch's. The last {@code annealFraction} of training runs
 * on every sample with weight 1, and so does every epoch before any loss is recorded. Samples never trained are never
 * dropped. No scoring pass: the losses come from the training forward ({@link #record}), and batches stay full
 * size because the sampler simply yields fewer indices.
 *
 * <p>Class-aware ({@link #classAware}): the same pruning within each class, below the class's mean loss, with a
 * prune ratio per class that falls as the class's mean recorded training loss rises ({@link #classRatios}), so that
 * easy, frequent classes give up rows and hard, rare ones keep theirs (in the spirit of DRoP, ICLR 2025, and RCAP,
 * UAI 2025, with quotas from the training forward's losses rather than a validation pass).
 *
 * <p>Use it as a dataset's sampler ({@code ArrayDataset.Builder.setSampling(sampler)}) and train with AST's
 * {@code fit} given it as {@code AdaptiveSparseTraining.Builder.sampleWeights}, which applies the weights and
 * records the losses. Scores and weights live in Java arrays indexed by dataset index (one host read of a batch's
 * losses per step); not thread-safe.
 */
public final class InfoBatchSampler implements Sampler, SampleWeights {

    /** Where training stands when an epoch starts, in [0, 1]: the annealing switch reads it. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Returns the fraction of training done.
         *
         * @param epochsStarted epochs started before this one
         * @return progress in [0, 1]
         */
        double at(int epochsStarted);
    }

    private final int batchSize;
    private final double pruneRatio;
    private final double annealFraction;
    private final Progress progress;
    private final Random random;
    private final int[] classes;
    /** Pruning groups: 1, or the number of classes when class-aware. */
    private final int groups;
    private float[] scores = new float[0];
    private float[] weights = new float[0];
    private int epochsStarted;
    private int keptLastEpoch;
    private boolean annealedLastEpoch;

    /**
     * Creates a sampler.
     *
     * @param batchSize rows per batch, >= 1
     * @param pruneRatio probability of dropping a below-mean sample, in [0, 1)
     * @param annealFraction final fraction of training on all data, in [0, 1]
     * @param progress where training stands when an epoch starts
     * @param seed seeds the pruning and the shuffles
     * @throws IllegalArgumentException naming a value outside its range
     */
    public InfoBatchSampler(int batchSize, double pruneRatio, double annealFraction, Progress progress, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        if (!(pruneRatio >= 0 && pruneRatio < 1)) {
            throw new IllegalArgumentException("InfoBatch prune ratio " + pruneRatio + " must be in [0, 1)");
        }
        if (!(annealFraction >= 0 && annealFraction <= 1)) {
            throw new IllegalArgumentException("InfoBatch anneal fraction " + annealFraction + " must be in [0, 1]");
        }
        this.batchSize = batchSize;
        this.pruneRatio = pruneRatio;
        this.annealFraction = annealFraction;
        this.progress = progress;
        this.random = new Random(seed);
        this.classes = null;
        this.groups = 1;
    }

    private InfoBatchSampler(InfoBatchSampler plain, int[] classes) {
        this.batchSize = plain.batchSize;
        this.pruneRatio = plain.pruneRatio;
        this.annealFraction = plain.annealFraction;
        this.progress = plain.progress;
        this.random = plain.random;
        this.classes = classes.clone();
        this.groups = Math.max(1, ClassLabels.count(classes));
    }

    /**
     * Creates a class-aware sampler: pruning within each class at that class's ratio ({@link #classRatios}).
     *
     * @param batchSize rows per batch, >= 1
     * @param pruneRatio the ratio of a class whose mean loss is the mean over all rows, in [0, 1)
     * @param annealFraction final fraction of training on all data, in [0, 1]
     * @param progress where training stands when an epoch starts
     * @param seed seeds the pruning and the shuffles
     * @param classes every dataset row's class index, >= 0
     * @return the sampler
     * @throws IllegalArgumentException naming a value outside its range
     */
    public static InfoBatchSampler classAware(int batchSize, double pruneRatio, double annealFraction,
            Progress progress, long seed, int[] classes) {
        return new InfoBatchSampler(new InfoBatchSampler(batchSize, pruneRatio, annealFraction, progress, seed),
                classes);
    }

    /** The most a class-aware ratio may reach: a class never gives up more than 90% of its below-mean rows. */
    static final double MAX_CLASS_RATIO = 0.9;

    /**
     * Returns each class's prune ratio: {@code min(0.9, pruneRatio * mean / mean_c)}, where {@code mean_c} is the
     * class's mean recorded loss and {@code mean} the mean over all recorded rows; a class with no recorded loss (or
     * a loss of 0) gets {@code pruneRatio}.
     *
     * @param pruneRatio the ratio of an average class
     * @param classMeans every class's mean recorded loss, NaN when none is recorded
     * @param overallMean the mean over all recorded rows
     * @return one ratio per class, in [0, 0.9] or {@code pruneRatio}
     */
    public static double[] classRatios(double pruneRatio, double[] classMeans, double overallMean) {
        double[] ratios = new double[classMeans.length];
        for (int c = 0; c < ratios.length; c++) {
            ratios[c] = !(classMeans[c] > 0) ? pruneRatio
                    : Math.min(MAX_CLASS_RATIO, pruneRatio * overallMean / classMeans[c]);
        }
        return ratios;
    }

    /**
     * Creates a sampler for a run of a known number of epochs: the epochs {@code e} (0-based) with
     * {@code e / epochs >= 1 - annealFraction}, the last {@code floor(annealFraction * epochs)}, train on all data.
     *
     * @param batchSize rows per batch
     * @param pruneRatio probability of dropping a below-mean sample, in [0, 1)
     * @param annealFraction final fraction of the epochs on all data, in [0, 1]
     * @param epochs the run's epochs, >= 1
     * @param seed seeds the pruning and the shuffles
     * @return the sampler
     */
    public static InfoBatchSampler forEpochs(int batchSize, double pruneRatio, double annealFraction, int epochs,
            long seed) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be >= 1");
        }
        return new InfoBatchSampler(batchSize, pruneRatio, annealFraction, started -> (double) started / epochs,
                seed);
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int n = Math.toIntExact(dataset.size());
        if (classes != null) {
            ClassLabels.requireRows(classes.length, n, "class-aware InfoBatch");
        }
        if (scores.length != n) {
            scores = new float[n];
            Arrays.fill(scores, Float.NaN);
            weights = new float[n];
        }
        Arrays.fill(weights, 1f);
        annealedLastEpoch = progress.at(epochsStarted++) >= 1 - annealFraction;
        List<Long> epoch = annealedLastEpoch ? all(n) : pruned(n);
        for (int i = epoch.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            epoch.set(i, epoch.set(j, epoch.get(i)));
        }
        keptLastEpoch = epoch.size();
        return Batches.of(epoch, batchSize, false);
    }

    private static List<Long> all(int n) {
        List<Long> epoch = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            epoch.add(i);
        }
        return epoch;
    }

    /**
     * Every sample at or above its group's mean (or never trained), and a uniform share of the ones below it; the
     * group is the whole dataset, or a class when class-aware.
     */
    private List<Long> pruned(int n) {
        double[] sums = new double[groups];
        int[] recorded = new int[groups];
        for (int i = 0; i < n; i++) {
            if (!Float.isNaN(scores[i])) {
                sums[group(i)] += scores[i];
                recorded[group(i)]++;
            }
        }
        int total = Arrays.stream(recorded).sum();
        if (total == 0 || pruneRatio == 0) {
            return all(n);
        }
        double[] means = new double[groups];
        for (int g = 0; g < groups; g++) {
            means[g] = recorded[g] == 0 ? Double.NaN : sums[g] / recorded[g];
        }
        double[] ratios = classes == null ? new double[] {pruneRatio}
                : classRatios(pruneRatio, means, Arrays.stream(sums).sum() / total);
        List<Long> epoch = new ArrayList<>(n);
        int[][] below = new int[groups][n];
        int[] belowCount = new int[groups];
        for (int i = 0; i < n; i++) {
            int g = group(i);
            if (scores[i] < means[g]) { // false for NaN: never-trained samples stay
                below[g][belowCount[g]++] = i;
            } else {
                epoch.add((long) i);
            }
        }
        for (int g = 0; g < groups; g++) {
            keepShare(below[g], belowCount[g], ratios[g], epoch);
        }
        return epoch;
    }

    private int group(int row) {
        return classes == null ? 0 : classes[row];
    }

    /** Adds a uniform {@code 1 - ratio} of a group's below-mean rows to the epoch, weighted up to stay unbiased. */
    private void keepShare(int[] below, int belowCount, double ratio, List<Long> epoch) {
        int keep = (int) Math.round((1 - ratio) * belowCount);
        // A partial Fisher-Yates shuffle: the first `keep` entries are a uniform sample without replacement.
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(belowCount - i);
            int t = below[i];
            below[i] = below[j];
            below[j] = t;
        }
        float weight = keep == 0 ? 1f : (float) belowCount / keep;
        for (int i = 0; i < keep; i++) {
            weights[below[i]] = weight;
            epoch.add((long) below[i]);
        }
    }

    /**
     * Returns the weights of some samples for the current epoch (1 outside the pruned group).
     *
     * @param indices dataset indices, as DJL attaches them to a batch
     * @return one weight per index
     * @throws IllegalStateException if no epoch was sampled yet, or an index is outside the dataset
     */
    @Override
    public float[] weights(List<?> indices) {
        float[] out = new float[indices.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = weights[index(indices.get(i))];
        }
        return out;
    }

    /**
     * Records the losses the training forward computed for some samples; non-finite ones are not recorded (the
     * sample keeps its previous loss).
     *
     * @param indices dataset indices
     * @param losses one loss per index
     * @return how many losses were not finite
     */
    @Override
    public int record(List<?> indices, float[] losses) {
        if (losses.length != indices.size()) {
            throw new IllegalArgumentException(losses.length + " losses for " + indices.size() + " indices");
        }
        int nonFinite = 0;
        for (int i = 0; i < losses.length; i++) {
            if (Float.isFinite(losses[i])) {
                scores[index(indices.get(i))] = losses[i];
            } else {
                nonFinite++;
            }
        }
        return nonFinite;
    }

    private int index(Object index) {
        long value = ((Number) index).longValue();
        if (value < 0 || value >= scores.length) {
            throw new IllegalStateException("dataset index " + value + " is outside [0, " + scores.length
                    + ")" + (scores.length == 0 ? ": no epoch was sampled yet" : ""));
        }
        return (int) value;
    }

    /** {@return how many samples the last epoch yielded} */
    public int keptLastEpoch() {
        return keptLastEpoch;
    }

    /** {@return whether the last epoch trained on all data because of annealing} */
    public boolean annealedLastEpoch() {
        return annealedLastEpoch;
    }
}
