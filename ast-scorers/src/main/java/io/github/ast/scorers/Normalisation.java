package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;

/**
 * The reference normalisation: {@code clamp(x / mean(x), 0, 2) / 2}, which maps a batch's raw scores to [0, 1] with
 * the batch mean at 0.5.
 *
 * <p>Relative-to-mean scaling makes the threshold meaningful across training, when raw losses shrink by orders of
 * magnitude. A small epsilon is added to numerator and denominator so that an all-zero batch (or a batch of one)
 * maps to 0.5 instead of NaN.
 */
public final class Normalisation {

    /** Keeps all-zero batches finite; far below any loss or standard deviation of interest. */
    static final float EPSILON = 1e-8f;

    private Normalisation() {}

    /**
     * Normalises a 1-D array of non-negative raw scores.
     *
     * @param raw raw scores of shape (batch)
     * @return normalised scores in [0, 1], same shape, float32
     */
    public static NDArray relativeToMean(NDArray raw) {
        NDArray x = raw.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray ratio = x.add(EPSILON).div(x.mean().add(EPSILON));
        return ratio.clip(0f, 2f).div(2f);
    }
}
