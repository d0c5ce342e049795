package io.github.ast.core;

import io.github.ast.api.ConfigurationException;

/**
 * How much a fresh scoring pass costs: a scoring forward costs f of a training step, and at a 10% target that
 * forward, not the step, bounds the speed-up near 1/(f + r). Two ways to pay less, each an option because each
 * trades score quality for time:
 *
 * <ul>
 *   <li>{@code ast.scoreEvery=k}: only every k-th batch of an epoch gets a scoring forward; the batches in between
 *       are selected on each sample's last recorded loss and outputs (a history, as {@code ast.selection=stale}
 *       keeps, refreshed by every trained row), so the scoring cost per batch falls to f / k. Rows the history has
 *       never seen train.</li>
 *   <li>{@code ast.scoreDownsample=d}: the scoring forward sees the images average-pooled by d x d over their last
 *       two axes (Composer's {@code scale_factor} 1/d), so its convolutions cost about 1/d² as much. Only for
 *       models that accept smaller images (global pooling before the classifier); others fail at the first scored
 *       batch with a message naming this setting.</li>
 * </ul>
 *
 * <p>Both default to 1: the published system's full scoring pass on every batch.
 *
 * @param every a fresh scoring forward on every this many batches of an epoch (the first of each run of them),
 *     >= 1
 * @param downsample the factor the scoring forward's images are average-pooled by, >= 1
 */
public record ScoringPass(int every, int downsample) {

    /** A full-resolution scoring forward on every batch: the published system. */
    public static final ScoringPass EVERY_BATCH = new ScoringPass(1, 1);

    /**
     * Validates the values.
     *
     * @param every batches per scoring forward, >= 1
     * @param downsample the images' pooling factor in the scoring forward, >= 1
     */
    public ScoringPass {
        if (every < 1) {
            throw new ConfigurationException("ast.scoreEvery=" + every + " is invalid; it must be >= 1 (1: a scoring "
                    + "forward on every batch; k: on every k-th, the history's scores in between)");
        }
        if (downsample < 1) {
            throw new ConfigurationException("ast.scoreDownsample=" + downsample + " is invalid; it must be >= 1 (1: "
                    + "full resolution; d: images average-pooled by d x d before the scoring forward)");
        }
    }

    /** {@return whether batches between scoring forwards are selected from a history} */
    public boolean needsHistory() {
        return every > 1;
    }

    /**
     * Returns whether the batch at a position of its epoch gets a scoring forward.
     *
     * @param position the batch's 0-based position in its epoch
     * @return whether it is scored afresh
     */
    public boolean scores(long position) {
        return position % every == 0;
    }
}
