package io.github.ast.controllers.simulation;

import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A synthetic source of per-batch significance scores on the reference scorer's scale.
 *
 * <p>Each sample gets a raw loss from {@link #losses()} and an intensity {@code max(0.05, 1 + 0.3 N(0, 1))}; its
 * significance is {@code 0.7 * clamp(loss / mean(loss), 0, 2) / 2 + 0.3 * clamp(intensity / mean(intensity), 0, 2)
 * / 2}, the batch means taken over the batch, exactly as {@code LossIntensityScorer} does on tensors. Because the
 * scorer divides by the batch mean, shrinking every loss by the same factor changes nothing: what moves the
 * threshold a controller must find is the <em>shape</em> of the loss distribution, so that is what the streams vary.
 *
 * @param name the name the report prints
 * @param batchSize samples per batch, >= 1
 * @param losses the raw per-sample loss distribution, which may change over the run
 */
public record SignificanceStream(String name, int batchSize, LossDistribution losses) {

    /** Keeps an all-zero batch finite, as the reference normalisation does. */
    private static final double EPSILON = 1e-8;

    private static final double LOSS_WEIGHT = 0.7;
    private static final double INTENSITY_WEIGHT = 0.3;

    /** Where the sudden-shift stream changes distribution, as a fraction of the run. */
    public static final double SHIFT_AT = 1.0 / 3;

    /**
     * Validates the batch size.
     *
     * @param name the name the report prints
     * @param batchSize samples per batch, >= 1
     * @param losses the raw per-sample loss distribution
     */
    public SignificanceStream {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(losses, "losses");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " is invalid; it must be >= 1");
        }
    }

    /**
     * A raw per-sample loss distribution that may depend on how far the run has got.
     */
    @FunctionalInterface
    public interface LossDistribution {

        /**
         * Draws one non-negative raw loss.
         *
         * @param random the batch's generator
         * @param progress the fraction of the run done before this batch, in [0, 1)
         * @return the loss, finite and >= 0
         */
        double draw(Random random, double progress);
    }

    /**
     * Draws one batch of significance scores.
     *
     * @param random the batch's generator
     * @param progress the fraction of the run done before this batch, in [0, 1)
     * @return {@link #batchSize()} scores in [0, 1]
     */
    public double[] nextBatch(Random random, double progress) {
        double[] loss = new double[batchSize];
        double[] intensity = new double[batchSize];
        for (int i = 0; i < batchSize; i++) {
            loss[i] = losses.draw(random, progress);
            intensity[i] = Math.max(0.05, 1 + 0.3 * random.nextGaussian());
        }
        double lossMean = mean(loss);
        double intensityMean = mean(intensity);
        double[] significance = new double[batchSize];
        for (int i = 0; i < batchSize; i++) {
            significance[i] = LOSS_WEIGHT * relativeToMean(loss[i], lossMean)
                    + INTENSITY_WEIGHT * relativeToMean(intensity[i], intensityMean);
        }
        return significance;
    }

    /** The reference normalisation, {@code clamp(x / mean, 0, 2) / 2}. */
    private static double relativeToMean(double value, double mean) {
        return Math.min(2, (value + EPSILON) / (mean + EPSILON)) / 2;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * Losses {@code E^shape} with {@code E} standard exponential: shape 1 is exponential, below 1 the losses
     * concentrate around their mean (early training, when every sample is still wrong), above 1 most losses fall
     * towards zero while a tail of hard samples stays (late training).
     */
    static double poweredExponential(Random random, double shape) {
        return Math.pow(-Math.log(1 - random.nextDouble()), shape);
    }

    /**
     * Batches of 128 from a fixed heavy-ish tailed distribution ({@code E^1.5}).
     *
     * @return the stream named {@code stationary}
     */
    public static SignificanceStream stationary() {
        return new SignificanceStream("stationary", 128, (random, progress) -> poweredExponential(random, 1.5));
    }

    /**
     * Batches of 128 whose loss shape drifts over the whole run from concentrated ({@code E^0.3}) to heavy-tailed
     * ({@code E^2.5}), as the model learns most samples and keeps failing a few: the threshold that gives the target
     * keeps moving, so the controller must track a ramp rather than find a point.
     *
     * @return the stream named {@code drifting}
     */
    public static SignificanceStream drifting() {
        return new SignificanceStream("drifting", 128,
                (random, progress) -> poweredExponential(random, 0.3 + 2.2 * progress));
    }

    /**
     * Batches of 128 that switch at {@link #SHIFT_AT} of the run from concentrated ({@code E^0.3}) to heavy-tailed
     * ({@code E^2.5}) losses, as after a learning-rate change or a new data source.
     *
     * @return the stream named {@code sudden shift}
     */
    public static SignificanceStream suddenShift() {
        return new SignificanceStream("sudden shift", 128,
                (random, progress) -> poweredExponential(random, progress < SHIFT_AT ? 0.3 : 2.5));
    }

    /**
     * Batches of 128 of Pareto losses with tail index 1.5 (finite mean, infinite variance): a few huge losses
     * dominate a batch's mean, so the scale of everyone else's score jumps from batch to batch.
     *
     * @return the stream named {@code heavy-tailed}
     */
    public static SignificanceStream heavyTailed() {
        return new SignificanceStream("heavy-tailed", 128,
                (random, progress) -> Math.pow(1 - random.nextDouble(), -1 / 1.5));
    }

    /**
     * The stationary distribution in batches of 8: the observed rate moves in steps of 12.5 points.
     *
     * @return the stream named {@code tiny batches}
     */
    public static SignificanceStream tinyBatches() {
        return new SignificanceStream("tiny batches", 8, (random, progress) -> poweredExponential(random, 1.5));
    }

    /** {@return the five streams the report and the tests use, in report order} */
    public static List<SignificanceStream> standard() {
        return List.of(stationary(), drifting(), suddenShift(), heavyTailed(), tinyBatches());
    }
}
