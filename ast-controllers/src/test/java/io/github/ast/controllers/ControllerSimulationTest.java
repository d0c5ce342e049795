package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.api.Controller;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Closed-loop checks on a synthetic stream shaped like the reference significance (0.7 x heavy-tailed normalised loss
 * + 0.3 x normalised intensity, batches of 128, deterministic threshold gate).
 */
class ControllerSimulationTest {

    private static final int BATCH = 128;

    /** Returns the mean activation over batches [from, to) of a closed loop. */
    private static double[] run(Controller controller, long seed, int batches, int from, double scale) {
        Random random = new Random(seed);
        double sum = 0;
        double minThreshold = Double.MAX_VALUE;
        double maxThreshold = -Double.MAX_VALUE;
        for (int b = 0; b < batches; b++) {
            double[] loss = new double[BATCH];
            double[] intensity = new double[BATCH];
            double lossMean = 0;
            double intensityMean = 0;
            for (int i = 0; i < BATCH; i++) {
                loss[i] = Math.pow(-Math.log(1 - random.nextDouble()), 1.5) * scale;
                intensity[i] = Math.max(0.05, 1 + 0.3 * random.nextGaussian());
                lossMean += loss[i] / BATCH;
                intensityMean += intensity[i] / BATCH;
            }
            int active = 0;
            for (int i = 0; i < BATCH; i++) {
                double s = 0.7 * Math.min(2, loss[i] / lossMean) / 2 + 0.3 * Math.min(2, intensity[i] / intensityMean) / 2;
                active += s >= controller.threshold() ? 1 : 0;
            }
            double rate = (double) active / BATCH;
            controller.update(rate);
            if (b >= from) {
                sum += rate;
                minThreshold = Math.min(minThreshold, controller.threshold());
                maxThreshold = Math.max(maxThreshold, controller.threshold());
            }
        }
        return new double[] {sum / (batches - from), minThreshold, maxThreshold};
    }

    @Test
    void referencePiHoldsTheTargetWithinOnePointOnAStationaryStream() {
        double[] result = run(new PiController(PiSettings.reference(0.10, 0.50)), 1, 1500, 500, 1);
        assertThat(result[0]).isBetween(0.09, 0.11);
        assertThat(result[2]).isLessThan(1.0); // never saturated at the upper bound
    }

    @Test
    void referenceGainsOnAFractionalErrorOscillateWhichIsWhyTheErrorIsInPoints() {
        // Gains per fraction = gains per point / 100, integral clamp 50 (fraction) = 5000 points.
        PiController fractional = new PiController(new PiSettings(0.10, 0.50, 0.0015 / 100, 0.00005 / 100, 0.3,
                5000, 0.1, 0, 1));
        run(fractional, 9, 469, 0, 1); // one Fashion-MNIST epoch of transient, not judged
        double lowest = 1;
        double highest = 0;
        for (int window = 0; window < 8; window++) {
            double mean = run(fractional, 10 + window, 200, 0, 1)[0];
            lowest = Math.min(lowest, mean);
            highest = Math.max(highest, mean);
        }
        // 200-batch windows swing by more than five points after the transient; the point-based PI holds +-1
        assertThat(highest - lowest).as("window means %s..%s", lowest, highest).isGreaterThan(0.05);
    }

    @Test
    void pidHoldsTheTargetWithinOnePointOnAStationaryStream() {
        double[] result = run(new PidController(PiSettings.reference(0.10, 0.50), 0.003, 0.5), 2, 1500, 500, 1);
        assertThat(result[0]).isBetween(0.09, 0.11);
    }

    @Test
    void referencePiHoldsOtherTargets() {
        for (double target : new double[] {0.05, 0.25, 0.5}) {
            double[] result = run(new PiController(PiSettings.reference(target, 0.50)), 3, 1500, 500, 1);
            assertThat(result[0]).as("target %s", target).isBetween(target - 0.01, target + 0.01);
        }
    }
}
