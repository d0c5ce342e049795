package io.github.ast.controllers.simulation;

import java.util.Random;

/**
 * The activation a gate produces on average at a given threshold at any point of a stream's run.
 *
 * <p>One batch's activation is a binomial-like draw around this curve: at 10% in batches of 128 its standard
 * deviation is 2 to 2.7 points, so even smoothed the per-batch rate keeps leaving a ±2-point band whatever the
 * controller does. The expected rate at the controller's threshold has no such noise; it tells whether the <em>threshold</em> is
 * right, which is the controller's whole job. The curve is estimated from {@value #REFERENCE_SAMPLES} scores, drawn
 * in the stream's own batch size from generators separate from the run's, at {@value #GRID} + 1 evenly spaced points
 * of the run; a batch uses the latest point at or before it.
 */
public final class ActivationCurve {

    /** Points of the run at which the distribution is re-estimated, besides the start. */
    public static final int GRID = 60;

    /** Scores per estimate; the estimated rate's own error is below 0.3 points. */
    public static final int REFERENCE_SAMPLES = 32_768;

    private final ScoreHistogram[] histograms = new ScoreHistogram[GRID + 1];
    private final int batches;

    private ActivationCurve(int batches) {
        this.batches = batches;
    }

    /**
     * Estimates the curve of a simulation's stream.
     *
     * @param simulation the simulation whose stream, length and seed the curve is for
     * @return the curve
     */
    public static ActivationCurve of(Simulation simulation) {
        SignificanceStream stream = simulation.stream();
        ActivationCurve curve = new ActivationCurve(simulation.batches());
        int referenceBatches = Math.max(1, REFERENCE_SAMPLES / stream.batchSize());
        for (int point = 0; point <= GRID; point++) {
            Random random = new Random(Simulation.seedFor(simulation.seed(), point, 2));
            double[] scores = new double[referenceBatches * stream.batchSize()];
            for (int b = 0; b < referenceBatches; b++) {
                double[] batch = stream.nextBatch(random, (double) point / GRID);
                System.arraycopy(batch, 0, scores, b * batch.length, batch.length);
            }
            curve.histograms[point] = new ScoreHistogram(scores);
        }
        return curve;
    }

    /**
     * Returns the activation a gate produces on average at a threshold on a batch.
     *
     * @param gate the gate
     * @param batch the batch's index in the run
     * @param threshold the threshold the gate uses
     * @return the expected fraction activated, in [0, 1]
     */
    public double expectedRate(SimulatedGate gate, int batch, double threshold) {
        return gate.expectedRate(histograms[gridPoint(batch)], threshold);
    }

    /**
     * Returns the threshold at which a gate activates a target fraction on average on a batch: what a controller
     * that knew the distribution in advance would use.
     *
     * @param gate the gate
     * @param batch the batch's index in the run
     * @param targetRate the fraction to activate
     * @return the threshold in [0, 1], found by bisection to 1e-9
     */
    public double thresholdFor(SimulatedGate gate, int batch, double targetRate) {
        ScoreHistogram scores = histograms[gridPoint(batch)];
        double low = 0;
        double high = 1;
        while (high - low > 1e-9) {
            double middle = (low + high) / 2;
            if (gate.expectedRate(scores, middle) > targetRate) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return (low + high) / 2;
    }

    /** Returns the point of the run whose distribution a batch uses. */
    int gridPoint(int batch) {
        if (batch < 0 || batch > batches) {
            throw new IllegalArgumentException("batch=" + batch + " is invalid; it must be in [0, " + batches + "]");
        }
        return (int) ((long) batch * GRID / batches);
    }
}
