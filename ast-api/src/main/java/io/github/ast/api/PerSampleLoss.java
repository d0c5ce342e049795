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
     * Checks on the host what needs no engine read (shapes), and returns on the engine how many labels are invalid,
     * for the trainer to read with the figures it reads anyway: one wait for the engine instead of two. When the
     * count is not 0 the trainer calls {@link #validate} for the message, before any update (the selection policy
     * has seen the batch by then; the run fails with the message). The default validates on the host, as
     * {@link #validate} does, and returns null.
     *
     * @param labels the batch's labels
     * @param predictions the model's output
     * @return a float32 scalar, the number of invalid labels; or null when {@link #validate} checked everything
     * @throws IllegalArgumentException if the labels' shape does not fit the predictions
     */
    default NDArray countInvalidLabels(NDList labels, NDList predictions) {
        validate(labels, predictions);
        return null;
    }

    /**
     * Computes per-sample losses of labels not checked yet ({@link #countInvalidLabels}). A loss should not fail on an
     * invalid label (the count reports it); by default, an engine that does (PyTorch's one-hot) is answered with
     * {@link #validate}'s message instead of its own.
     *
     * @param labels the batch's labels
     * @param predictions the model's output
     * @return a float32 array of shape (batch)
     * @throws IllegalArgumentException naming the bad label, when the engine refused it
     */
    default NDArray computeUnchecked(NDList labels, NDList predictions) {
        try {
            return compute(labels, predictions);
        } catch (ai.djl.engine.EngineException e) {
            validate(labels, predictions);
            throw e;
        }
    }

    /**
     * Returns softmax cross-entropy from logits with integer class labels: {@code -log softmax(logits)[label]}.
     *
     * @return the loss
     */
    static PerSampleLoss softmaxCrossEntropy() {
        return new PerSampleLoss() {
            @Override
            public NDArray compute(NDList labels, NDList predictions) {
                return crossEntropy(predictions.head(), labels.head().toType(DataType.INT32, false));
            }

            private NDArray crossEntropy(NDArray logits, NDArray classIndices) {
                int classes = Math.toIntExact(logits.getShape().get(1));
                return logits.logSoftmax(1).mul(classIndices.oneHot(classes)).sum(new int[] {1}).neg();
            }

            /**
             * The loss of labels counted but not yet checked: class indices clamped into range, so that no engine
             * fails on them (a device-side assert would poison a CUDA context); the count reports them.
             */
            @Override
            public NDArray computeUnchecked(NDList labels, NDList predictions) {
                long classes = predictions.head().getShape().get(1);
                return crossEntropy(predictions.head(), labels.head().toType(DataType.INT32, false)
                        .clip(0, classes - 1));
            }

            @Override
            public NDArray countInvalidLabels(NDList labels, NDList predictions) {
                requireShape(labels, predictions);
                NDArray values = labels.head().toType(DataType.FLOAT32, false);
                long classes = predictions.head().getShape().get(1);
                // Negative, too large, or not an integer (NaN and infinities included: x - round(x) is NaN).
                return values.lt(0f).logicalOr(values.gte((float) classes))
                        .logicalOr(values.sub(values.round()).neq(0f)).toType(DataType.FLOAT32, false).sum();
            }

            private void requireShape(NDList labels, NDList predictions) {
                NDArray label = labels.head();
                if (label.getShape().dimension() != 1 || label.size() != predictions.head().getShape().get(0)) {
                    throw new IllegalArgumentException("labels of shape " + label.getShape() + " do not fit "
                            + "predictions of shape " + predictions.head().getShape() + "; softmax cross-entropy "
                            + "needs one class index per sample");
                }
            }

            @Override
            public void validate(NDList labels, NDList predictions) {
                NDArray label = labels.head();
                long classes = predictions.head().getShape().get(1);
                requireShape(labels, predictions);
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
