package io.github.ast.core.gates;

import ai.djl.ndarray.NDArray;

/** Exact fixed-size selection on the engine, shared by the top-k and random gates. */
final class Ranks {

    private Ranks() {}

    /**
     * Returns the number of samples a fixed-rate gate keeps: {@code round(rate * size)}, at least one.
     *
     * @param rate the fraction to keep, in (0, 1]
     * @param size the batch size, >= 1
     * @return k in [1, size]
     */
    static int keep(double rate, long size) {
        return (int) Math.max(1, Math.min(size, Math.round(rate * size)));
    }

    /**
     * Marks the k largest values: the rank of each value in descending order (argsort of argsort) is below k, so
     * exactly k samples are marked even when values tie.
     *
     * @param values shape (batch)
     * @param k how many to mark
     * @return a boolean mask of shape (batch)
     */
    static NDArray largest(NDArray values, int k) {
        NDArray rank = values.argSort(0, false).argSort(0, true);
        return rank.lt(k);
    }
}
