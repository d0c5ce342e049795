package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * What a {@link SelectionPolicy} chooses from: a scored batch and the rows that must train whatever the scores say
 * (samples the score history has never seen, whose scores are placeholders).
 *
 * @param scoring inputs, labels, outputs and per-sample losses of the batch (fresh or from history)
 * @param unseen boolean mask of shape (batch) of rows that must train, or null when every row has real scores
 */
public record PolicyBatch(ScoringBatch scoring, NDArray unseen) {

    /** Checks that the mask, if any, matches the batch. */
    public PolicyBatch {
        Objects.requireNonNull(scoring, "scoring");
        if (unseen != null && (unseen.getShape().dimension() != 1 || unseen.getShape().get(0) != scoring.size())) {
            throw new IllegalArgumentException("unseen must have shape (" + scoring.size() + "), matching the batch, "
                    + "but has shape " + unseen.getShape());
        }
    }

    /** Returns the number of rows. */
    public int size() {
        return scoring.size();
    }

    /** Returns the manager of the batch's arrays, for the policy's intermediate arrays. */
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
