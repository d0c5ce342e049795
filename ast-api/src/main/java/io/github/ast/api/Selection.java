package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The rows of a batch a {@link SelectionPolicy} chose, with their loss weights.
 *
 * <p>Counts are host values the policy already read, so the trainer reports them without another read.
 *
 * @param rows int64 row indices into the batch, shape (count); null when skipped
 * @param weights float32 loss weights of the chosen rows, shape (count), or null for weight 1 everywhere
 * @param count number of rows
 * @param gateActive rows the policy's own criterion chose before exploration, fallback and unseen rows: what a
 *     controller observes, and the epoch line's gate rate
 * @param fallback whether a random fallback replaced the criterion's choice
 * @param maxWeight the largest weight a row can carry (1 without weights): bounded weights keep steps stable
 * @param skipReason why the batch must be skipped (non-finite scores, say), or null
 */
public record Selection(NDArray rows, NDArray weights, int count, int gateActive, boolean fallback, double maxWeight,
        String skipReason) {

    /**
     * Checks that a selection has rows and a skip has a reason.
     *
     * @param rows int64 row indices into the batch, shape (count); null when skipped
     * @param weights float32 loss weights of the chosen rows, shape (count), or null for weight 1 everywhere
     * @param count number of rows
     * @param gateActive rows the policy's own criterion chose before exploration, fallback and unseen rows
     * @param fallback whether a random fallback replaced the criterion's choice
     * @param maxWeight the largest weight a row can carry, finite and >= 1 (1 without weights)
     * @param skipReason why the batch must be skipped, or null
     */
    public Selection {
        if (skipReason == null && (rows == null || count < 0 || count != rows.size())) {
            throw new IllegalArgumentException("a selection needs rows and their count; got count " + count
                    + (rows == null ? " and no rows" : " for " + rows.size() + " rows"));
        }
        if (weights != null && rows != null && weights.size() != rows.size()) {
            throw new IllegalArgumentException("weights has " + weights.size() + " values for " + rows.size()
                    + " rows");
        }
        if (skipReason == null && !(maxWeight >= 1 && Double.isFinite(maxWeight)) && weights != null) {
            throw new IllegalArgumentException("maxWeight=" + maxWeight + " must be finite and >= 1");
        }
    }

    /**
     * Creates a selection with unit weights.
     *
     * @param rows int64 row indices
     * @param count their number
     * @param gateActive rows the criterion chose
     * @param fallback whether a fallback replaced the criterion's choice
     * @return the selection
     */
    public static Selection of(NDArray rows, int count, int gateActive, boolean fallback) {
        return new Selection(rows, null, count, gateActive, fallback, 1, null);
    }

    /**
     * Creates a selection of every row of a batch, with unit weights and no fallback.
     *
     * @param size the batch's rows
     * @param manager owns the row indices
     * @return the selection
     */
    public static Selection everyRow(int size, NDManager manager) {
        return of(manager.arange(0L, (long) size, 1L, DataType.INT64), size, size, false);
    }

    /**
     * Returns a selection that skips the batch: no step, no update.
     *
     * @param reason why, for the log
     * @return the skip
     */
    public static Selection skip(String reason) {
        return new Selection(null, null, 0, 0, false, 1, java.util.Objects.requireNonNull(reason, "reason"));
    }

    /** {@return whether the batch is to be skipped} */
    public boolean skipped() {
        return skipReason != null;
    }
}
