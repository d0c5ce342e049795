package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * Finds rows with non-finite inputs, on the engine: what corrupts a model even where its loss stays finite (on MXNet
 * a ReLU turns a NaN input into 0, so the loss looks fine while the gradients are NaN).
 */
final class NonFinite {

    private NonFinite() {}

    /**
     * Returns, per row, whether any floating-point input of the row is NaN or infinite: one reduction per input (a
     * row's sum is NaN or infinite exactly when one of its values is, unless finite values add up beyond the float
     * range, which such a row is then reported as too).
     *
     * @param data the inputs, each with the rows along its first axis
     * @return a boolean array of one value per row
     */
    static NDArray rows(NDList data) {
        NDArray rows = null;
        for (NDArray input : data) {
            if (!input.getDataType().isFloating()) {
                continue;
            }
            long batch = input.getShape().get(0);
            NDArray bad = values(input.reshape(batch, -1).sum(new int[] {1}));
            rows = rows == null ? bad : rows.logicalOr(bad);
        }
        return rows != null ? rows : data.head().getManager().zeros(data.head().getShape().slice(0, 1),
                DataType.BOOLEAN);
    }

    /**
     * Returns, per value, whether it is NaN or infinite: {@code x - x} is 0 exactly for finite x (MXNet has no
     * {@code isInfinite}).
     */
    static NDArray values(NDArray array) {
        return array.sub(array).eq(0f).logicalNot();
    }

    /** Returns the number of rows with a non-finite input, as a float32 scalar for a combined host read. */
    static NDArray count(NDList data) {
        return Validation.count(rows(data));
    }
}
