package io.github.ast.examples.benchmark;

import java.util.List;

/**
 * One method trained with one seed.
 *
 * @param method the method
 * @param seed the seed of initialisation, shuffling and selection
 * @param epochs the epochs, in order
 * @param gateRates the gate's activation rate on every batch (AST methods; empty otherwise)
 * @param thresholds the threshold after every batch (AST methods; empty otherwise)
 */
public record RunResult(Method method, long seed, List<EpochPoint> epochs, List<Double> gateRates,
        List<Double> thresholds) {

    /** Copies the lists. */
    public RunResult {
        epochs = List.copyOf(epochs);
        gateRates = List.copyOf(gateRates);
        thresholds = List.copyOf(thresholds);
    }

    /** Returns the last epoch. */
    public EpochPoint last() {
        return epochs.get(epochs.size() - 1);
    }

    /**
     * Returns the training seconds until the test accuracy first reached a target.
     *
     * @param target accuracy in [0, 1]
     * @return seconds, or positive infinity if never reached
     */
    public double secondsTo(double target) {
        return epochs.stream().filter(e -> e.testAccuracy() >= target).mapToDouble(EpochPoint::cumulativeSeconds)
                .findFirst().orElse(Double.POSITIVE_INFINITY);
    }
}
