package io.github.ast.controllers;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * Validated settings of the gain rule of {@link AdaptivePiController}: Kesten's rule for stochastic approximation.
 *
 * <p>Each batch whose activation falls on the other side of the target than the previous one multiplies the gain
 * factor by {@code gainShrink}; each batch on the same side multiplies it by {@code gainGrowth}; the factor stays
 * within {@code [minGainScale, 1]}. Near the target the side flips at random, so the factor falls and the threshold
 * stops chasing sampling noise; far from it, or when the distribution moves, the side persists and the factor climbs
 * back to the reference gains within a few dozen batches.
 *
 * @param minGainScale the smallest factor, in (0, 1]
 * @param gainShrink factor applied on a change of side, in (0, 1)
 * @param gainGrowth factor applied when the side persists, finite and > 1
 */
public record GainAdaptation(
        @Option(description = "smallest factor on the PI gains") double minGainScale,
        @Option(description = "factor applied to the gains when the activation crosses the target") double gainShrink,
        @Option(description = "factor applied to the gains when the activation stays on one side of the target")
        double gainGrowth) {

    /** The defaults, chosen with the simulation harness (see {@code docs/controllers.md}). */
    public static final GainAdaptation DEFAULTS = new GainAdaptation(0.05, 0.8, 1.1);

    /**
     * Validates every value, naming the bad one and the allowed range.
     *
     * @param minGainScale the smallest factor, in (0, 1]
     * @param gainShrink factor applied on a change of side, in (0, 1)
     * @param gainGrowth factor applied when the side persists, finite and > 1
     */
    public GainAdaptation {
        require(minGainScale > 0 && minGainScale <= 1, "minGainScale", minGainScale, "in (0, 1]");
        require(gainShrink > 0 && gainShrink < 1, "gainShrink", gainShrink, "in (0, 1)");
        require(Double.isFinite(gainGrowth) && gainGrowth > 1, "gainGrowth", gainGrowth, "finite and > 1");
    }
}
