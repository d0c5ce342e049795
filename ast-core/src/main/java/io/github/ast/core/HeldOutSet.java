package io.github.ast.core;

import ai.djl.training.dataset.Dataset;
import java.util.Objects;

/**
 * Rows that never train, on which a policy that measures its progress ({@code auto}) is judged, supplied as a
 * service ({@code AdaptiveSparseTraining.Builder.service(HeldOutSet.class, ...)}) by a caller that holds data out
 * and validates on its own schedule, as the benchmark does. Without it the policy uses {@code fit}'s validation set,
 * or else sets a slice of the training set aside.
 *
 * @param rows the held-out rows; the policy measures the first ones it needs
 */
public record HeldOutSet(Dataset rows) {

    /**
     * Checks the rows are there.
     *
     * @param rows the held-out rows
     */
    public HeldOutSet {
        Objects.requireNonNull(rows, "rows");
    }
}
