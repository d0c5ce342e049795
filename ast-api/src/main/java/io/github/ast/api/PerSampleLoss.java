package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Computes one loss value per sample, on the engine.
 *
 * <p>DJL's {@code Loss} reduces to a batch mean, but scoring needs the unreduced values; this is the unreduced twin
 * of the training loss. The default matches DJL's {@code SoftmaxCrossEntropyLoss} with sparse labels and logits.
 */
@FunctionalInterface
public interface PerSampleLoss {

    /**
     * Computes per-sample losses.
     *
     * @param labels the batch's labels
     * @param predictions the model's output
     * @return a float32 array of shape (batch)
     */
    NDArray compute(NDList labels, NDList predictions);

    /**
     * Returns softmax cross-entropy from logits with integer class labels: {@code -log softmax(logits)[label]}.
     *
     * @return the loss
     */
    static PerSampleLoss softmaxCrossEntropy() {
        return (labels, predictions) -> {
            NDArray logits = predictions.head();
            long classes = logits.getShape().get(1);
            NDArray oneHot = labels.head().toType(ai.djl.ndarray.types.DataType.INT32, false).oneHot((int) classes);
            return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
        };
    }
}
