package io.github.ast.examples.benchmark;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The training methods a benchmark compares, at the same budget, model, seeds and optimiser. */
public enum Method {
    /** Plain DJL: {@code EasyTrain.trainBatch} on every sample of every batch. */
    FULL("full"),
    /** A uniformly random {@code rate} of every batch, trained without any scoring pass: the control. */
    RANDOM("random"),
    /** AST's loop with the top-k gate: scoring pass, then exactly the {@code rate} most significant samples. */
    TOP_K("top-k"),
    /** AST's loop with the threshold gate and the PI controller: the method under test. */
    AST("ast"),
    /**
     * AST with history selection: one warm-up epoch on all data, then selection from the outputs last seen for each
     * sample, with 2% exploration, so the scoring pass is skipped.
     */
    HISTORY("history"),
    /** AST's loop at 100% activation: its overhead over plain DJL (the scoring pass and bookkeeping). */
    AST_ALL("ast-100");

    private final String label;

    Method(String label) {
        this.label = label;
    }

    /** Returns the name used on the command line and in reports. */
    public String label() {
        return label;
    }

    /**
     * Parses a label.
     *
     * @param label a method label
     * @return the method
     * @throws IllegalArgumentException listing the labels for an unknown one
     */
    public static Method of(String label) {
        return Arrays.stream(values()).filter(m -> m.label.equals(label.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("method '" + label + "' is unknown; use "
                        + Arrays.stream(values()).map(Method::label).collect(Collectors.joining(", "))));
    }
}
