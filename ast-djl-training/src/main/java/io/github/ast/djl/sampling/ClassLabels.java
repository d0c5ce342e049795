package io.github.ast.djl.sampling;

/** Checks the per-row class indices the class-aware samplers here are given. */
final class ClassLabels {

    private ClassLabels() {}

    /**
     * Checks that every row's class index is >= 0.
     *
     * @param labels every dataset row's class index
     * @return the number of classes: the largest index + 1, 0 without rows
     * @throws IllegalArgumentException naming the first negative index and its row
     */
    static int count(int[] labels) {
        int classes = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i
                        + " is not a class index (>= 0)");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        return classes;
    }

    /**
     * Checks that a sampler was given one class index per row of the dataset it samples.
     *
     * @param labels how many class indices it was given
     * @param rows the dataset's rows
     * @param sampler the sampler, for the message
     * @throws IllegalArgumentException if the counts differ
     */
    static void requireRows(int labels, long rows, String sampler) {
        if (labels != rows) {
            throw new IllegalArgumentException(sampler + " was given " + labels + " class labels for a dataset of "
                    + rows + " rows");
        }
    }
}
