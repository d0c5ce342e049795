package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

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
     * Checks that labels fit the predictions before any engine operation could fail on them deep in native code
     * (or, on some engines, silently give a wrong loss). The trainer calls it once per batch.
     *
     * @param labels the batch's labels
     * @param predictions the model's output
     * @throws IllegalArgumentException naming the bad label and what is allowed
     */
    default void validate(NDList labels, NDList predictions) {}

    /**
     * Returns softmax cross-entropy from logits with integer class labels: {@code -log softmax(logits)[label]}.
     *
     * @return the loss
     */
    static PerSampleLoss softmaxCrossEntropy() {
        return new PerSampleLoss() {
            @Override
            public NDArray compute(NDList labels, NDList predictions) {
                NDArray logits = predictions.head();
                int classes = Math.toIntExact(logits.getShape().get(1));
                NDArray oneHot = labels.head().toType(DataType.INT32, false).oneHot(classes);
                return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
            }

            @Override
            public void validate(NDList labels, NDList predictions) {
                NDArray label = labels.head();
                long classes = predictions.head().getShape().get(1);
                if (label.getShape().dimension() != 1 || label.size() != predictions.head().getShape().get(0)) {
                    throw new IllegalArgumentException("labels of shape " + label.getShape() + " do not fit "
                            + "predictions of shape " + predictions.head().getShape() + "; softmax cross-entropy "
                            + "needs one class index per sample");
                }
                // One host read: the smallest and largest label, and the largest distance to an integer.
                NDArray values = label.toType(DataType.FLOAT32, false);
                float[] range = NDArrays.stack(new NDList(values.min(), values.max(),
                        values.sub(values.round()).abs().max())).toFloatArray();
                if (!(range[0] >= 0) || !(range[1] < classes) || !(range[2] == 0)) {
                    throw new IllegalArgumentException("labels range over [" + range[0] + ", " + range[1]
                            + "]" + (range[2] == 0 ? "" : " (not all integers)") + " but the model has "
                            + classes + " outputs: labels must be integers in [0, " + (classes - 1) + "]");
                }
            }
        };
    }
}
