package io.github.ast.spark;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.IntStream;

/**
 * An epoch-level policy made concrete by the one figure of the whole epoch it needs: the cut every row is then judged
 * by, on whichever machine holds it. The cluster and the in-process scoring compute the figure each their own way
 * and decide with this same code, so both select the same rows.
 *
 * @param policy the rule
 * @param threshold the lowest score kept ({@link EpochPolicy#TOP_RATE}, {@link EpochPolicy#THRESHOLD}); NaN for
 *     InfoBatch
 * @param meanLoss the epoch's mean loss ({@link EpochPolicy#INFOBATCH}); NaN for the others
 * @param pruneRatio InfoBatch's drop probability, in [0, 1)
 * @param drawSeed InfoBatch's draws are a function of it and the row's index, so a re-run task or another
 *     partitioning draws the same; it mixes the run's seed with the model version, so each epoch (a new version)
 *     prunes afresh
 * @serial exclude
 */
public record EpochCut(EpochPolicy policy, float threshold, double meanLoss, double pruneRatio, long drawSeed)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks that the policy's figure is there.
     *
     * @param policy the rule
     * @param threshold the lowest score kept, finite for top-rate and threshold
     * @param meanLoss the mean loss, finite for InfoBatch
     * @param pruneRatio in [0, 1)
     * @param drawSeed seeds InfoBatch's draws
     */
    public EpochCut {
        if (policy == null || !(pruneRatio >= 0 && pruneRatio < 1)
                || (policy == EpochPolicy.INFOBATCH ? !Double.isFinite(meanLoss) : !Float.isFinite(threshold))) {
            throw new IllegalArgumentException("no cut for " + policy + " with threshold " + threshold
                    + ", mean loss " + meanLoss + " and prune ratio " + pruneRatio);
        }
    }

    /**
     * Computes the cut on one machine, from every row's score and loss.
     *
     * @param config the policy and its settings
     * @param modelVersion the scoring model's version, which salts InfoBatch's draws
     * @param scores every row's score
     * @param losses every row's loss
     * @return the cut
     */
    public static EpochCut of(SparkScoringConfig config, String modelVersion, float[] scores, float[] losses) {
        return switch (config.policy()) {
            case TOP_RATE -> {
                float[] sorted = scores.clone();
                Arrays.sort(sorted);
                yield topRate(config, sorted[sorted.length - keep(config, sorted.length)]);
            }
            case THRESHOLD -> threshold(config);
            case INFOBATCH -> infoBatch(config, modelVersion,
                    mean(exactSum(IntStream.range(0, losses.length).mapToObj(i -> losses[i]).iterator()),
                            losses.length));
        };
    }

    /**
     * Sums losses exactly (as the exact decimal values of the floats), so that any grouping and order of partial
     * sums gives the same total, and the cluster's mean loss is the in-process one to the last bit.
     *
     * @param losses some losses
     * @return their exact sum
     */
    static BigDecimal exactSum(Iterator<Float> losses) {
        BigDecimal sum = BigDecimal.ZERO;
        while (losses.hasNext()) {
            sum = sum.add(new BigDecimal(losses.next()));
        }
        return sum;
    }

    /**
     * Returns a mean from an exact sum, rounded once.
     *
     * @param sum the exact sum
     * @param rows how many values, >= 1
     * @return the mean
     */
    static double mean(BigDecimal sum, long rows) {
        return sum.divide(BigDecimal.valueOf(rows), MathContext.DECIMAL128).doubleValue();
    }

    /**
     * Returns how many rows {@link EpochPolicy#TOP_RATE} keeps of an epoch (ties at the cut keep more).
     *
     * @param config the configuration, for {@code ast.targetRate}
     * @param rows the epoch's rows, >= 1
     * @return {@code max(1, round(targetRate * rows))}
     */
    static int keep(SparkScoringConfig config, long rows) {
        long keep = Math.max(1, Math.min(rows, Math.round(config.ast().target().targetRate() * rows)));
        if (keep > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ast.spark.policy=top-rate keeps at most " + Integer.MAX_VALUE
                    + " rows; " + keep + " were asked (ast.targetRate=" + config.ast().target().targetRate() + " of "
                    + rows
                    + "); use infobatch or threshold");
        }
        return (int) keep;
    }

    static EpochCut topRate(SparkScoringConfig config, float lowestKept) {
        return new EpochCut(EpochPolicy.TOP_RATE, lowestKept, Double.NaN, 0, config.ast().random().seed());
    }

    static EpochCut threshold(SparkScoringConfig config) {
        return new EpochCut(EpochPolicy.THRESHOLD, (float) config.threshold(), Double.NaN, 0,
                config.ast().random().seed());
    }

    static EpochCut infoBatch(SparkScoringConfig config, String modelVersion, double meanLoss) {
        long salt = Long.parseUnsignedLong(modelVersion.substring(0, 16), 16);
        return new EpochCut(EpochPolicy.INFOBATCH, Float.NaN, meanLoss, config.pruneRatio(),
                config.ast().random().seed() ^ salt);
    }

    /**
     * Decides for one row.
     *
     * @param index the row's dataset index
     * @param score its score
     * @param loss its loss
     * @return its training weight, 0 when it is not selected
     */
    public float weight(long index, float score, float loss) {
        return switch (policy) {
            case TOP_RATE, THRESHOLD -> score >= threshold ? 1f : 0f;
            case INFOBATCH -> loss >= meanLoss ? 1f
                    : uniform(drawSeed, index) < pruneRatio ? 0f : (float) (1 / (1 - pruneRatio));
        };
    }

    /**
     * Returns a uniform number in [0, 1) that depends only on the seed and the index (SplitMix64's finaliser).
     *
     * @param seed the seed
     * @param index the index
     * @return the number
     */
    static double uniform(long seed, long index) {
        return (mix(seed ^ mix(index + 0x9E3779B97F4A7C15L)) >>> 11) * 0x1.0p-53;
    }

    /**
     * Assigns a row to one of an epoch's scoring batches, at random but as a function of the seed and the index only,
     * so that a batch-relative scorer sees a mixed batch even when the data is stored sorted by class, and every
     * partitioning forms the same batches.
     *
     * @param seed the seed
     * @param index the row's index
     * @param batches how many batches the epoch has, >= 1
     * @return the batch, in [0, batches)
     */
    static int batchOf(long seed, long index, int batches) {
        return (int) Math.floorMod(mix(~seed ^ mix(index)), (long) batches);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@return the figure the cut stands on, for reports: the threshold, or InfoBatch's mean loss} */
    public String describe() {
        return switch (policy) {
            case TOP_RATE -> "lowest kept score " + threshold;
            case THRESHOLD -> "threshold " + threshold;
            case INFOBATCH -> "mean loss " + meanLoss + ", prune ratio " + pruneRatio;
        };
    }
}
