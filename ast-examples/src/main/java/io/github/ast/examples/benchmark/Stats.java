package io.github.ast.examples.benchmark;

import java.util.Arrays;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * The few statistics the summary reports: medians that keep censored runs (positive infinity: the target was never
 * reached) instead of dropping them, percentile-bootstrap intervals of a median over seeds, and paired speed-ups.
 */
public final class Stats {

    /** Resamples per bootstrap interval. */
    static final int RESAMPLES = 10_000;

    private Stats() {}

    /**
     * A 95% interval.
     *
     * @param low the 2.5th percentile
     * @param high the 97.5th percentile
     */
    record Interval(double low, double high) {}

    private static double[] sortedNumbers(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    /**
     * Returns the median of times or accuracies; infinities count as values (a censored run is slower than every
     * finished one), NaNs are dropped first. With an even count, the mean of the two middle values (infinite if one
     * is: the conservative answer for a time).
     *
     * @param values the values
     * @return the median, NaN if no value is a number
     */
    public static double median(double[] values) {
        return middle(values, (a, b) -> a == b ? a : (a + b) / 2);
    }

    /**
     * Returns the median of speed-up ratios: with an even count, the geometric mean of the two middle values, or the
     * lower one when the upper is infinite, so that one seed where only the method reached a target cannot make the
     * median infinite (the answer that would flatter the method).
     *
     * @param ratios ratios in [0, ∞]; NaNs are dropped
     * @return the median, NaN without values
     */
    static double medianRatio(double[] ratios) {
        return middle(ratios, (a, b) -> Double.isInfinite(b) ? a : Math.sqrt(a * b));
    }

    /** The middle value of the sorted numbers, or the two middle values combined for an even count; NaN if none. */
    private static double middle(double[] values, java.util.function.DoubleBinaryOperator evenCount) {
        double[] sorted = sortedNumbers(values);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : evenCount.applyAsDouble(sorted[n / 2 - 1], sorted[n / 2]);
    }

    /**
     * Returns the percentile-bootstrap 95% interval of {@link #median}.
     *
     * @param values one value per seed; NaNs are dropped
     * @param seed seeds the resampling
     * @return the interval, both ends NaN without values
     */
    static Interval bootstrapMedian(double[] values, long seed) {
        return bootstrap(values, seed, Stats::median);
    }

    /**
     * Returns the percentile-bootstrap 95% interval of {@link #medianRatio}.
     *
     * @param ratios one ratio per seed; NaNs are dropped
     * @param seed seeds the resampling
     * @return the interval, both ends NaN without values
     */
    static Interval bootstrapMedianRatio(double[] ratios, long seed) {
        return bootstrap(ratios, seed, Stats::medianRatio);
    }

    /**
     * {@value #RESAMPLES} resamples of the values with replacement, seeded so that the same values always give the
     * same interval; the interval spans the 2.5th to the 97.5th percentile of the statistic over the resamples.
     */
    private static Interval bootstrap(double[] values, long seed, ToDoubleFunction<double[]> statistic) {
        double[] kept = sortedNumbers(values);
        if (kept.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        Random random = new Random(seed);
        double[] statistics = new double[RESAMPLES];
        double[] resample = new double[kept.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < kept.length; i++) {
                resample[i] = kept[random.nextInt(kept.length)];
            }
            statistics[b] = statistic.applyAsDouble(resample);
        }
        Arrays.sort(statistics);
        return new Interval(statistics[(int) Math.floor(0.025 * RESAMPLES)],
                statistics[(int) Math.ceil(0.975 * RESAMPLES) - 1]);
    }

    /**
     * Returns how many times faster a method reached a target than a control in the same seed: control time over
     * method time. A method that reached it when the control did not is infinitely faster, one that did not when the
     * control did is 0; where neither did the ratio is undefined (NaN) and left out.
     *
     * @param control the control's seconds to the target (infinite if censored)
     * @param method the method's seconds to the target (infinite if censored)
     * @return the ratio, > 1 when the method was faster
     */
    static double speedUp(double control, double method) {
        if (Double.isInfinite(control) && Double.isInfinite(method)) {
            return Double.NaN;
        }
        if (Double.isInfinite(control)) {
            return Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(method)) {
            return 0;
        }
        return method == 0 ? (control == 0 ? 1 : Double.POSITIVE_INFINITY) : control / method;
    }
}
