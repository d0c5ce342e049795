package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Scorer} may look at: the batch's inputs and labels, the model's outputs from the scoring pass and
 * the per-sample losses derived from them. Bundled so that new scorers need no new method signatures.
 *
 * @param data the batch's inputs, first dimension is the batch
 * @param labels the batch's labels
 * @param outputs the model's outputs for the whole batch: first the predictions (for classifiers, logits of shape
 *     (batch, classes)), optionally second the penultimate activations of shape (batch, features)
 * @param losses per-sample losses of shape (batch)
 */
public record ScoringBatch(NDList data, NDList labels, NDList outputs, NDArray losses) {

    /**
     * Checks that all parts are present and agree on the batch size.
     *
     * @param data the batch's inputs, first dimension is the batch
     * @param labels the batch's labels
     * @param outputs the model's outputs: predictions first, optionally penultimate activations second
     * @param losses per-sample losses of shape (batch)
     */
    public ScoringBatch {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(losses, "losses");
        if (data.isEmpty() || outputs.isEmpty() || labels.isEmpty()) {
            throw new IllegalArgumentException("ScoringBatch needs data, labels and outputs; got " + data.size()
                    + " data, " + labels.size() + " label and " + outputs.size() + " output arrays");
        }
        long size = data.head().getShape().get(0);
        if (losses.getShape().dimension() != 1 || losses.getShape().get(0) != size) {
            throw new IllegalArgumentException(
                    "losses must have shape (" + size + "), matching the batch, but has shape " + losses.getShape());
        }
    }

    /** {@return the number of samples in the batch} */
    public int size() {
        return Math.toIntExact(losses.getShape().get(0));
    }

    /** {@return the predictions, the model's first output} */
    public NDArray predictions() {
        return outputs.head();
    }

    /** {@return the penultimate activations if the model outputs them as its second output} */
    public Optional<NDArray> features() {
        return outputs.size() > 1 ? Optional.of(outputs.get(1)) : Optional.empty();
    }
}
