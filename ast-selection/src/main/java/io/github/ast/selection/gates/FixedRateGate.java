package io.github.ast.selection.gates;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Gate;

/**
 * A gate that keeps exactly {@code round(rate * batch)} samples of every batch (at least one), ranked by some key,
 * ignoring the threshold: the baselines every adaptive method is measured against.
 */
abstract class FixedRateGate implements Gate {

    private final double rate;

    /**
     * Creates the gate.
     *
     * @param rate fraction of each batch to keep, in (0, 1]
     */
    FixedRateGate(double rate) {
        this.rate = rate;
    }

    /**
     * Returns the key samples are ranked by; the largest keys are kept.
     *
     * @param significance the batch's scores, shape (batch)
     * @return keys of the same shape
     */
    abstract NDArray rankingKey(NDArray significance);

    @Override
    public NDArray select(NDArray significance, double threshold) {
        long size = significance.size();
        int keep = (int) Math.max(1, Math.min(size, Math.round(rate * size)));
        // The rank of each key in descending order (argsort of argsort) is below k for exactly k samples, ties too.
        NDArray rank = rankingKey(significance).argSort(0, false).argSort(0, true);
        return rank.lt(keep);
    }

    @Override
    public boolean usesThreshold() {
        return false;
    }
}
