package io.github.ast.controllers.simulation;

import java.util.function.DoubleUnaryOperator;

/**
 * The distribution of significance scores on [0, 1], as the mass in {@value #BINS} equal bins.
 *
 * <p>It lets a gate say what fraction it would activate <em>on average</em> at a threshold, free of the sampling
 * noise of one batch, which no controller can remove.
 */
public final class ScoreHistogram {

    /** Number of bins on [0, 1]; a bin is far narrower than any threshold step that matters. */
    public static final int BINS = 1000;

    private final double[] mass = new double[BINS];
    private final double[] massFromBin = new double[BINS + 1];

    /**
     * Builds the histogram of scores.
     *
     * @param scores scores in [0, 1], at least one
     */
    public ScoreHistogram(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("scores is empty; a histogram needs at least one score");
        }
        for (double s : scores) {
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException("score=" + s + " is invalid; scores must be in [0, 1]");
            }
            mass[Math.min(BINS - 1, (int) (s * BINS))] += 1.0 / scores.length;
        }
        for (int bin = BINS - 1; bin >= 0; bin--) {
            massFromBin[bin] = massFromBin[bin + 1] + mass[bin];
        }
    }

    /**
     * Returns the fraction of scores at or above a threshold, spreading each bin's mass evenly over the bin.
     *
     * @param threshold any finite value
     * @return a fraction in [0, 1]
     */
    public double fractionAtLeast(double threshold) {
        if (threshold <= 0) {
            return 1;
        }
        if (threshold >= 1) {
            return 0;
        }
        double position = threshold * BINS;
        int bin = (int) position;
        return massFromBin[bin + 1] + mass[bin] * (bin + 1 - position);
    }

    /**
     * Returns the mean of a function of the score, each bin represented by its centre.
     *
     * @param function the function, for example a gate's activation probability
     * @return its mean over the distribution
     */
    public double expectation(DoubleUnaryOperator function) {
        double sum = 0;
        for (int bin = 0; bin < BINS; bin++) {
            if (mass[bin] > 0) {
                sum += mass[bin] * function.applyAsDouble((bin + 0.5) / BINS);
            }
        }
        return sum;
    }
}
