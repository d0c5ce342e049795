package io.github.ast.controllers.simulation;

import java.util.Random;

/**
 * The gate of the simulation: counts how many scores of a batch activate at a threshold.
 *
 * <p>It mirrors the engine gates of {@code ast-core} on plain doubles, so that the harness needs no tensors.
 */
public sealed interface SimulatedGate permits SimulatedGate.Threshold, SimulatedGate.Probabilistic {

    /** {@return the name the report prints} */
    String name();

    /**
     * Counts the active samples of a batch.
     *
     * @param significance the batch's scores
     * @param threshold the controller's threshold
     * @param random the generator for the gate's own draws, separate from the scores' so that every gate and
     *     every controller sees the same scores
     * @return the number of active samples
     */
    int countActive(double[] significance, double threshold, Random random);

    /**
     * Returns the fraction this gate activates on average at a threshold.
     *
     * @param scores the score distribution
     * @param threshold the controller's threshold
     * @return the expected fraction, in [0, 1]
     */
    double expectedRate(ScoreHistogram scores, double threshold);

    /** Activates exactly the scores {@code >= threshold}; the reference gate. */
    record Threshold() implements SimulatedGate {

        @Override
        public String name() {
            return "threshold";
        }

        @Override
        public int countActive(double[] significance, double threshold, Random random) {
            int active = 0;
            for (double s : significance) {
                active += s >= threshold ? 1 : 0;
            }
            return active;
        }

        @Override
        public double expectedRate(ScoreHistogram scores, double threshold) {
            return scores.fractionAtLeast(threshold);
        }
    }

    /**
     * Activates each sample with probability {@code sigmoid((s - threshold) / temperature)}.
     *
     * @param temperature softness, finite and > 0
     */
    record Probabilistic(double temperature) implements SimulatedGate {

        /**
         * Validates the temperature.
         *
         * @param temperature softness, finite and > 0
         */
        public Probabilistic {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException(
                        "temperature=" + temperature + " is invalid; it must be finite and > 0");
            }
        }

        @Override
        public String name() {
            return "probabilistic (T=" + temperature + ")";
        }

        @Override
        public int countActive(double[] significance, double threshold, Random random) {
            int active = 0;
            for (double s : significance) {
                active += random.nextDouble() < probability(s, threshold) ? 1 : 0;
            }
            return active;
        }

        @Override
        public double expectedRate(ScoreHistogram scores, double threshold) {
            return scores.expectation(s -> probability(s, threshold));
        }

        private double probability(double significance, double threshold) {
            return 1 / (1 + Math.exp(-(significance - threshold) / temperature));
        }
    }
}
