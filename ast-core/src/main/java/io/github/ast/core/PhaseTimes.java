package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where a batch's time goes, phase by phase, for the profile command. Engines run asynchronously (MXNet queues work
 * and returns), so a phase is timed by waiting at its end for the array it produced: profiling removes the overlap
 * an unprofiled batch gets, and a profiled batch is slower than an unprofiled one. It is therefore off unless a
 * profile asks for it ({@link AdaptiveSparseTrainer#profileWith}) and, within a run, only between {@link #start()}
 * and {@link #stop()}; the profile reports unprofiled totals beside the phases.
 *
 * <p>One instance times one loop on one thread: {@link #mark()} starts a span, {@link #end} closes it into a phase
 * and starts the next, {@link #endBatch()} records the batch's sums.
 */
public final class PhaseTimes {

    /** The phases of a batch, in the order a batch passes them. */
    public enum Phase {
        /** Drawing the batch from the dataset: {@code Iterator<Batch>.next()}. */
        DATA("data loading"),
        /** The gradient-free forward over the whole batch and its per-sample losses. */
        SCORING_FORWARD("scoring forward"),
        /** The scorer, the gate or policy, and the host read of what they chose. */
        SELECTION("scores, gate, host read"),
        /** Gathering the chosen rows (and queueing them for pooled steps). */
        GATHER("gathers"),
        /** The training forward, with gradients recorded. */
        TRAINING_FORWARD("training forward"),
        /** The per-sample and reduced training losses and the step's statistics read. */
        LOSSES("losses"),
        /** Back-propagation. */
        BACKWARD("backward"),
        /** The step's figures read once: loss sum, accuracy, non-finite inputs and each gradient's sum. */
        GUARD("step figures, divergence guard"),
        /** The optimiser's update of every parameter. */
        OPTIMIZER("optimiser step"),
        /** The trainer's {@code TrainingListener}s. */
        LISTENERS("listeners");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        /** {@return what the phase covers, for tables} */
        public String description() {
            return description;
        }
    }

    /** Times nothing, never started: the default of every run. */
    static final PhaseTimes OFF = new PhaseTimes();

    private boolean on;
    private final Map<Phase, List<Double>> perBatch = new EnumMap<>(Phase.class);
    private final long[] batchNanos = new long[Phase.values().length];
    private long spanStart;

    private PhaseTimes() {
        for (Phase phase : Phase.values()) {
            perBatch.put(phase, new ArrayList<>());
        }
    }

    /** {@return a new recorder, stopped: it times nothing until {@link #start()}} */
    public static PhaseTimes recorder() {
        return new PhaseTimes();
    }

    /** Times the phases from the next mark on. */
    public void start() {
        if (this == OFF) {
            throw new IllegalStateException("the default recorder never times; create one with recorder()");
        }
        on = true;
        Arrays.fill(batchNanos, 0);
    }

    /** Stops timing; what was recorded stays. */
    public void stop() {
        on = false;
    }

    /** {@return whether this recorder is timing} */
    public boolean isOn() {
        return on;
    }

    /** Starts a span here, attributing the time since the last mark to no phase. */
    public void mark() {
        if (on) {
            spanStart = System.nanoTime();
        }
    }

    /**
     * Ends the current span as part of a phase, after waiting for the array it produced.
     *
     * @param phase the phase the span belongs to
     * @param produced what the phase computed, waited for; null when the phase ended on the host already
     */
    public void end(Phase phase, NDArray produced) {
        if (!on) {
            return;
        }
        if (produced != null) {
            waitFor(produced);
        }
        add(phase);
    }

    /**
     * Ends the current span as part of a phase, after waiting for the outputs it produced.
     *
     * @param phase the phase
     * @param produced the outputs, of which the first is waited for
     */
    void end(Phase phase, NDList produced) {
        end(phase, produced == null || produced.isEmpty() ? null : produced.head());
    }

    /**
     * Ends the backward phase once the first parameter's gradient, the last one back-propagation writes, is ready.
     *
     * @param trainer the trainer whose model was back-propagated
     */
    public void endBackward(Trainer trainer) {
        if (!on) {
            return;
        }
        for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
            if (parameter.requiresGradient()) {
                try (NDArray gradient = parameter.getArray().getGradient()) {
                    waitFor(gradient);
                }
                break;
            }
        }
        add(Phase.BACKWARD);
    }

    /**
     * Ends the optimiser phase once every parameter it updates is written.
     *
     * @param trainer the trainer that stepped
     */
    public void endOptimizer(Trainer trainer) {
        if (!on) {
            return;
        }
        awaitParameters(trainer);
        add(Phase.OPTIMIZER);
    }

    /**
     * Waits until every parameter's pending update is written, with one host read of their sums: how a timed loop
     * on an asynchronous engine (MXNet) makes sure the work it timed is done.
     *
     * @param trainer the trainer whose model's parameters are waited for
     */
    public static void awaitParameters(Trainer trainer) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDList sums = new NDList();
            for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
                NDArray sum = parameter.getArray().sum().toType(DataType.FLOAT32, false);
                sum.attach(scope);
                sums.add(sum);
            }
            NDArray stacked = NDArrays.stack(sums);
            stacked.attach(scope);
            stacked.toByteBuffer();
        }
    }

    /** Waits for an array with a one-element read, whatever its type, instead of copying all of it. */
    private static void waitFor(NDArray array) {
        try (NDArray flat = array.flatten(); NDArray first = flat.get(0)) {
            first.toByteBuffer();
        }
    }

    private void add(Phase phase) {
        long now = System.nanoTime();
        batchNanos[phase.ordinal()] += now - spanStart;
        spanStart = now;
    }

    /** Records the batch's sum for every phase (0 for phases it did not pass) and starts the next batch. */
    public void endBatch() {
        if (!on) {
            return;
        }
        for (Phase phase : Phase.values()) {
            perBatch.get(phase).add(batchNanos[phase.ordinal()] / 1e6);
            batchNanos[phase.ordinal()] = 0;
        }
    }

    /**
     * Returns each phase's milliseconds, one entry per recorded batch.
     *
     * @return phase to per-batch milliseconds, in phase order
     */
    public Map<Phase, double[]> millisPerBatch() {
        Map<Phase, double[]> copy = new EnumMap<>(Phase.class);
        perBatch.forEach((phase, values) -> copy.put(phase, values.stream().mapToDouble(Double::doubleValue)
                .toArray()));
        return copy;
    }
}
