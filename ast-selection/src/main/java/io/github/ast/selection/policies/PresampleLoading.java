package io.github.ast.selection.policies;

import io.github.ast.api.AdjustableBatchSize;
import java.util.Objects;

/**
 * A data loader an importance sampler resizes, and the step's rows. Kept apart from the sampler because loading is
 * optional: with it, batches are one step's b rows while the pay-off switch is off (trained whole: the sampler has
 * drawn them uniformly, so no row is loaded only to be dropped) and presamples of {@code presample × b} rows while
 * it is on; without it, every batch is a presample.
 *
 * @param sampler the training set's sampler
 * @param stepRows b, the rows of a step ({@code ast.backwardBatch}), >= 1
 */
public record PresampleLoading(AdjustableBatchSize sampler, int stepRows) {

    /**
     * Checks the values.
     *
     * @param sampler the training set's sampler
     * @param stepRows b, >= 1
     */
    public PresampleLoading {
        Objects.requireNonNull(sampler, "sampler");
        if (stepRows < 1) {
            throw new IllegalArgumentException("stepRows=" + stepRows + " must be >= 1");
        }
    }

    /** Rows of a presample: presample × b, and more than b, so that it is told from a step's batch. */
    int presampleRows(double presample) {
        return Math.max(stepRows + 1, (int) Math.round(presample * stepRows));
    }

    /** Asks for presamples, for batches sampled by importance. */
    void loadPresamples(double presample) {
        sampler.setBatchSize(presampleRows(presample));
    }

    /** Asks for batches of one step's rows, for batches that train whole. */
    void loadSteps() {
        sampler.setBatchSize(stepRows);
    }

    /** Whether a batch of this size is a presample rather than one step's rows drawn before the switch changed. */
    boolean isPresample(int size) {
        return size > stepRows;
    }
}
