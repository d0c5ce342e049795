package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The rows one optimiser step trains on, already gathered from their batches.
 *
 * @param data the rows' inputs
 * @param labels the rows' labels
 * @param weights float32 loss weights of the batch-level selection, or null for a mean loss over the rows
 * @param sampleWeights float32 weights the training set's sampler gave the rows, or null without them: the loss is
 *     then {@code mean(s * loss)} without selection weights, {@code sum(w * s * loss) / divisor} with them
 * @param indices int64 dataset indices of the rows, for the score history, or null without one
 * @param count number of rows
 * @param divisor with weights, the loss is {@code sum(w * loss) / divisor}: the scored batch's size for a per-batch
 *     step (an unbiased estimate of its mean loss), the step's rows for a pooled one
 */
record StepRows(NDList data, NDList labels, NDArray weights, NDArray sampleWeights, NDArray indices, int count,
        int divisor) {

    /** Checks the count against the arrays. */
    StepRows {
        if (count < 1 || data.head().getShape().get(0) != count) {
            throw new IllegalArgumentException("a step needs >= 1 rows matching its data; got count " + count
                    + " for data of shape " + data.head().getShape());
        }
        if (divisor < 1) {
            throw new IllegalArgumentException("divisor=" + divisor + " must be >= 1");
        }
    }
}
