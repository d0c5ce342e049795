package io.github.ast.spark;

/**
 * One scoring batch on the host: rows in index order, their features flattened row after row, and their labels.
 *
 * @param indices the rows' dataset indices
 * @param features {@code indices.length * sampleSize} values
 * @param labels one label per row
 */
record RowBatch(long[] indices, float[] features, float[] labels) {

    RowBatch {
        if (labels.length != indices.length || (indices.length > 0 && features.length % indices.length != 0)) {
            throw new IllegalArgumentException(indices.length + " rows with " + features.length + " feature values and "
                    + labels.length + " labels");
        }
    }

    /** {@return the number of rows} */
    int size() {
        return indices.length;
    }
}
