package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Engine-side helpers on classifier outputs shared by the confidence-based scorers. */
final class Probabilities {

    private Probabilities() {}

    /** Returns softmax probabilities of logits of shape (batch, classes), float32. */
    static NDArray softmax(NDArray logits) {
        return logits.toType(DataType.FLOAT32, false).softmax(1);
    }

    /** Returns the one-hot encoding of integer labels of shape (batch) for the logits' class count. */
    static NDArray oneHot(NDArray labels, NDArray logits) {
        return labels.toType(DataType.INT32, false).oneHot(Math.toIntExact(logits.getShape().get(1)))
                .toType(DataType.FLOAT32, false);
    }
}
