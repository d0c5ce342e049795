package io.github.ast.examples.benchmark;

import java.util.Arrays;
import java.util.Random;

/**
 * The few statistics the summary reports: medians that keep censored runs (positive infinity: the target was never
 * reached) instead of dropping them, percentile-bootstrap intervals of the median over seeds, and paired ratios.
 */
final class Stats {

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

    /**
     * Returns the median; infinities count as values (a censored run is slower than every finished one), NaNs are
     * dropped first.
     *
     * @param values the values
     * @return the median, NaN if no value is a number
     */
    static double median(double[] values) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        if (n % 2 == 1) {
            return sorted[n / 2];
        }
        double a = sorted[n / 2 - 1];
        double b = sorted[n / 2];
        return a == b ? a : (a + b) / 2;
    }

    /**
     * Returns the percentile-bootstrap 95% interval of the median: {@value #RESAMPLES} resamples of the values with
     * replacement, seeded, so the same values always give the same interval.
     *
     * @param values one value per seed; NaNs are dropped
     * @param seed seeds the resampling
     * @return the interval, both ends NaN without values
     */
    static Interval bootstrapMedian(double[] values, long seed) {
        double[] kept = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        if (kept.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        Random random = new Random(seed);
        double[] medians = new double[RESAMPLES];
        double[] resample = new double[kept.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < kept.length; i++) {
                resample[i] = kept[random.nextInt(kept.length)];
            }
            medians[b] = median(resample);
        }
        Arrays.sort(medians);
        return new Interval(medians[(int) Math.floor(0.025 * RESAMPLES)],
                medians[(int) Math.ceil(0.975 * RESAMPLES) - 1]);
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
        return control / method;
    }
}
