package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Objects;

/**
 * What a {@link Scorer} may look at: the batch's inputs and labels, the model's predictions from the scoring pass
 * and the per-sample losses derived from them. Bundled so that new scorers need no new method signatures.
 *
 * @param data the batch's inputs, first dimension is the batch
 * @param labels the batch's labels
 * @param predictions the model's output for the whole batch (for classifiers, logits of shape (batch, classes))
 * @param losses per-sample losses of shape (batch)
 */
public record ScoringBatch(NDList data, NDList labels, NDArray predictions, NDArray losses) {

    /** Checks that all parts are present and agree on the batch size. */
    public ScoringBatch {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(losses, "losses");
        if (data.isEmpty()) {
            throw new IllegalArgumentException("ScoringBatch needs at least one data array, got an empty NDList");
        }
        long size = data.head().getShape().get(0);
        if (losses.getShape().dimension() != 1 || losses.getShape().get(0) != size) {
            throw new IllegalArgumentException(
                    "losses must have shape (" + size + "), matching the batch, but has shape " + losses.getShape());
        }
    }

    /** Returns the number of samples in the batch. */
    public int size() {
        return Math.toIntExact(losses.getShape().get(0));
    }
}
