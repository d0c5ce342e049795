package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.Option;

/**
 * How much a fresh scoring pass costs: a scoring forward costs f of a training step, and at a 10% target that
 * forward, not the step, bounds the speed-up near 1/(f + r). Two ways to pay less, each an option because each
 * trades score quality for time:
 *
 * <ul>
 *   <li>{@code ast.scoreEvery=k}: only every k-th batch of an epoch gets a scoring forward; the batches in between
 *       are selected on each sample's last recorded loss and outputs (a history, as {@code ast.selection=stale}
 *       keeps, refreshed by every trained row), so the scoring cost per batch falls to f / k once every sample
 *       has been seen. Rows the history has never seen train with the policies that honour them (gated,
 *       Selective Backprop, RHO-LOSS; importance sampling gives them the mean score), so in the first epoch the
 *       unscored batches train whole. Not with pooled steps ({@code ast.backwardBatch}), whose steps would mix rows
 *       of scored and unscored batches.</li>
 *   <li>{@code ast.scoreDownsample=d}: the scoring forward sees the images average-pooled by d x d over their last
 *       two axes (windows at the edges average what they cover), so its convolutions cost about 1/d² as much:
 *       analogous to Composer's {@code scale_factor} 1/d, which resizes bilinearly. Only for models that accept
 *       smaller images (global pooling before the classifier); others fail on the run's first batch, before any
 *       update, with a message naming this setting. The scored batches' loss and accuracy figures, the listeners'
 *       predictions and the energy models' price of the pass (priced at full resolution, an overestimate of
 *       about d²) come from or stand for that smaller forward.</li>
 * </ul>
 *
 * <p>Both default to 1: the published system's full scoring pass on every batch. Each component's meaning and
 * default is its {@link Option}.
 *
 * @param every {@code ast.scoreEvery}: a fresh scoring forward on every this many batches of an epoch (the first of
 *     each run of them), >= 1
 * @param downsample {@code ast.scoreDownsample}: the factor the scoring forward's images are average-pooled by, >= 1
 */
public record ScoringPass(
        @Option(key = "scoreEvery", description = "`fresh`/`stale`: a scoring forward on one batch in k only; the "
                + "batches in between select on each sample's last recorded loss (a history, so the training set must "
                + "be a `RandomAccessDataset`; rows never seen train, so the first epoch's unscored batches train "
                + "whole). Scoring then costs f/k. Not with `ast.backwardBatch`") int every,
        @Option(key = "scoreDownsample", description = "`fresh`/`stale`: the scoring forward sees the images "
                + "average-pooled by d × d (like Composer's `scale_factor` 1/d, which resizes bilinearly); only for "
                + "models that accept smaller images (global pooling before the classifier, like the examples' "
                + "`cnn-gap`); others fail on the run's first batch, before any update, naming this key. Energy "
                + "models price the pass at full resolution") int downsample) {

    /** A full-resolution scoring forward on every batch: the published system. */
    public static final ScoringPass EVERY_BATCH = new ScoringPass(1, 1);

    /** The defaults, {@link #EVERY_BATCH}. */
    public static final ScoringPass DEFAULTS = EVERY_BATCH;

    /**
     * Validates the values.
     *
     * @param every batches per scoring forward, >= 1
     * @param downsample the images' pooling factor in the scoring forward, >= 1
     */
    public ScoringPass {
        require(every >= 1, "scoreEvery", every, ">= 1 (1: a scoring forward on every batch; k: on every k-th, the "
                + "history's scores in between)");
        require(downsample >= 1, "scoreDownsample", downsample, ">= 1 (1: full resolution; d: images average-pooled "
                + "by d x d before the scoring forward)");
    }

    /**
     * Returns the images as the scoring forward sees them: average-pooled by {@code downsample} over the last two
     * axes, on the engine; edge windows that would reach past the image average what they cover.
     *
     * @param images shape (batch, channels, height, width), each side at least {@code downsample}
     * @return the pooled images, or {@code images} itself at factor 1
     * @throws ConfigurationException if the input is not such a 4-D array
     */
    public NDArray pooled(NDArray images) {
        if (downsample == 1) {
            return images;
        }
        requireImages(images.getShape());
        Shape window = new Shape(downsample, downsample);
        return Pool.avgPool2d(images, window, window, new Shape(0, 0), true, false);
    }

    /**
     * Checks that a batch's input is images the pooling can shrink.
     *
     * @param shape the input's shape
     * @throws ConfigurationException naming this setting and the shape, if it is not (batch, channels, height,
     *     width) with both sides at least {@code downsample}
     */
    void requireImages(Shape shape) {
        if (shape.dimension() != 4 || shape.get(2) < downsample || shape.get(3) < downsample) {
            throw new ConfigurationException("ast.scoreDownsample=" + downsample + " needs images of shape (batch, "
                    + "channels, height, width) at least " + downsample + " x " + downsample + "; the batch's input "
                    + "has shape " + shape);
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
