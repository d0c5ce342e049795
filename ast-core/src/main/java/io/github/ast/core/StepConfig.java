package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * How the selected rows become optimizer steps: split over devices, pooled across batches, how many unapplied steps
 * in a row end training, and whether gradients are clipped. Each component's meaning and default is its
 * {@link Option}.
 *
 * @param splits {@code ast.splits}, >= 0
 * @param backwardBatch {@code ast.backwardBatch}, >= 0
 * @param maxBadSteps {@code ast.maxBadSteps}, >= 1
 * @param clipNorm {@code ast.clipNorm}, 0 (off) or > 0
 */
public record StepConfig(
        @Option(description = "shares the selected rows are split into for forward and backward: 0 = one per trainer "
                + "device; more shares than devices accumulate gradients over micro-batches") int splits,
        @Option(description = "0: each batch trains its selected rows in one step; n: selected rows queue across "
                + "batches and train in steps of exactly n rows (the epoch's remainder at its end)") int backwardBatch,
        @Option(description = "steps in a row whose losses (from finite inputs) or gradients are not finite, none of "
                + "them applied, before `fit` stops with a `TrainingDivergedException` (one overflow may pass; a model "
                + "that keeps producing them has diverged)") int maxBadSteps,
        @Option(description = "0: gradients as back-propagated; c > 0: before each optimiser step, all gradients "
                + "are scaled by min(1, c / (norm + 1e-6)), norm being their global L2 norm, as PyTorch's "
                + "`clip_grad_norm_` does (DJL's optimisers clip each value instead). One trainer device only")
        double clipNorm) {

    /** The reference: one share per device, one step per batch, stop after 3 bad steps in a row, no clipping. */
    public static final StepConfig DEFAULTS = new StepConfig(0, 0, 3, 0);

    /**
     * Validates the values.
     *
     * @param splits {@code ast.splits}, >= 0 (0: one share per device)
     * @param backwardBatch {@code ast.backwardBatch}, >= 0 (0: one step per batch)
     * @param maxBadSteps {@code ast.maxBadSteps}, >= 1
     * @param clipNorm {@code ast.clipNorm}, 0 (off) or finite and > 0
     */
    public StepConfig {
        require(splits >= 0, "splits", splits, ">= 0 (0: one share per device)");
        require(backwardBatch >= 0, "backwardBatch", backwardBatch, ">= 0 (0: one step per batch; n: pooled steps of "
                + "n rows)");
        require(maxBadSteps >= 1, "maxBadSteps", maxBadSteps, ">= 1 (steps in a row with non-finite losses or "
                + "gradients before training stops)");
        require(clipNorm == 0 || clipNorm > 0 && Double.isFinite(clipNorm), "clipNorm", clipNorm, "0 (no clipping) "
                + "or a finite global gradient norm > 0");
    }
}
