package io.github.ast.api;

/**
 * The work done on one batch, in samples.
 *
 * @param batchSize samples in the batch
 * @param scored samples that went through the gradient-free scoring forward pass
 * @param trained samples that went through forward and backward
 */
public record BatchWork(int batchSize, int scored, int trained) {

    /**
     * Checks that the counts are consistent.
     *
     * @param batchSize samples in the batch, >= 0
     * @param scored samples that went through the scoring pass, at most {@code batchSize}
     * @param trained samples that went through forward and backward, at most {@code batchSize}
     */
    public BatchWork {
        if (batchSize < 0 || scored < 0 || trained < 0) {
            throw new IllegalArgumentException("BatchWork counts must be >= 0, got batchSize=" + batchSize
                    + ", scored=" + scored + ", trained=" + trained);
        }
        if (scored > batchSize || trained > batchSize) {
            throw new IllegalArgumentException("scored (" + scored + ") and trained (" + trained
                    + ") must not exceed batchSize (" + batchSize + ")");
        }
    }

    /** {@return the samples that were scored but not trained on} */
    public int skipped() {
        return batchSize - trained;
    }
}
