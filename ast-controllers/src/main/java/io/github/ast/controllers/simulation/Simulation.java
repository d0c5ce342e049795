package io.github.ast.controllers.simulation;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A closed loop of stream, gate and controller, run batch by batch and recorded.
 *
 * <p>Each batch draws its scores and its gate draws from generators seeded by {@code (seed, batch)} alone, so the
 * scores do not depend on the controller or the gate (controllers are compared on identical data), and a run can
 * be split at any batch and continued exactly, which is what resuming from a {@link ControllerState} must do.
 *
 * @param stream the significance scores
 * @param gate the gate between scores and activations
 * @param batches the length of a full run, >= 2
 * @param seed the seed of every draw
 */
public record Simulation(SignificanceStream stream, SimulatedGate gate, int batches, long seed) {

    /**
     * Validates the run length.
     *
     * @param stream the significance scores
     * @param gate the gate between scores and activations
     * @param batches the length of a full run, >= 2
     * @param seed the seed of every draw
     */
    public Simulation {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(gate, "gate");
        if (batches < 2) {
            throw new IllegalArgumentException("batches=" + batches + " is invalid; it must be >= 2");
        }
    }

    /**
     * What happened on one batch.
     *
     * @param batch the batch's index in the run
     * @param gateThreshold the threshold the gate used on this batch
     * @param observedRate the fraction of the batch the gate activated
     * @param threshold the controller's threshold after it saw this batch
     * @param state the controller's state after it saw this batch
     */
    public record Step(int batch, double gateThreshold, double observedRate, double threshold,
            ControllerState state) {}

    /**
     * Runs the whole loop.
     *
     * @param controller a controller at the start of a run
     * @return one step per batch
     */
    public List<Step> run(Controller controller) {
        return run(controller, 0, batches);
    }

    /**
     * Runs batches {@code [fromBatch, toBatch)} of the loop, for example the second part of a resumed run.
     *
     * @param controller the controller, in the state it had after batch {@code fromBatch - 1}
     * @param fromBatch first batch, >= 0
     * @param toBatch end of the range, exclusive, in [fromBatch, batches]
     * @return one step per batch run
     */
    public List<Step> run(Controller controller, int fromBatch, int toBatch) {
        if (fromBatch < 0 || toBatch < fromBatch || toBatch > batches) {
            throw new IllegalArgumentException("batch range [" + fromBatch + ", " + toBatch
                    + ") is invalid; it must satisfy 0 <= fromBatch <= toBatch <= batches = " + batches);
        }
        List<Step> steps = new ArrayList<>(toBatch - fromBatch);
        for (int batch = fromBatch; batch < toBatch; batch++) {
            double[] significance = stream.nextBatch(new Random(seedFor(seed, batch, 0)), (double) batch / batches);
            double gateThreshold = controller.threshold();
            int active = gate.countActive(significance, gateThreshold, new Random(seedFor(seed, batch, 1)));
            double rate = (double) active / significance.length;
            controller.update(rate);
            steps.add(new Step(batch, gateThreshold, rate, controller.threshold(), controller.state()));
        }
        return steps;
    }

    /**
     * SplitMix64's finaliser over (seed, index, lane), so that neighbouring batches get unrelated generators
     * ({@link Random} seeded with consecutive numbers starts with correlated draws).
     */
    static long seedFor(long seed, int index, int lane) {
        long z = seed + 0x9E3779B97F4A7C15L * (4L * index + lane + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
