package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * What a {@link SelectionPolicy} chooses from: a scored batch, the rows that must train whatever the scores say
 * (samples the score history has never seen, whose scores are placeholders), and the rows' dataset indices, for
 * policies that keep something per sample (RHO-LOSS's irreducible losses).
 *
 * @param scoring inputs, labels, outputs and per-sample losses of the batch (fresh or from history)
 * @param unseen boolean mask of shape (batch) of rows that must train, or null when every row has real scores
 * @param indices int64 dataset indices of shape (batch), or null when the batches do not carry them
 */
public record PolicyBatch(ScoringBatch scoring, NDArray unseen, NDArray indices) {

    /**
     * Checks that the mask and the indices, if any, match the batch.
     *
     * @param scoring the scored batch
     * @param unseen boolean mask of shape (batch) of rows that must train, or null
     * @param indices int64 dataset indices of shape (batch), or null
     */
    public PolicyBatch {
        Objects.requireNonNull(scoring, "scoring");
        requireRows("unseen", unseen, scoring.size());
        requireRows("indices", indices, scoring.size());
    }

    /**
     * Creates a batch without dataset indices.
     *
     * @param scoring the scored batch
     * @param unseen rows that must train, or null
     */
    public PolicyBatch(ScoringBatch scoring, NDArray unseen) {
        this(scoring, unseen, null);
    }

    private static void requireRows(String name, NDArray array, int size) {
        if (array != null && (array.getShape().dimension() != 1 || array.getShape().get(0) != size)) {
            throw new IllegalArgumentException(name + " must have shape (" + size + "), matching the batch, but has "
                    + "shape " + array.getShape());
        }
    }

    /** {@return the number of rows} */
    public int size() {
        return scoring.size();
    }

    /** {@return the manager of the batch's arrays, for the policy's intermediate arrays} */
    public NDManager manager() {
        return scoring.losses().getManager();
    }

    /**
     * Returns a mask with the unseen rows added.
     *
     * @param chosen boolean mask of shape (batch)
     * @return {@code chosen OR unseen}
     */
    public NDArray withUnseen(NDArray chosen) {
        return unseen == null ? chosen : chosen.logicalOr(unseen);
    }
}
