package io.github.ast.controllers;

import io.github.ast.api.spi.Settings;
import java.util.Set;

/**
 * Validated settings of the gain rule of {@link AdaptivePiController}: Kesten's rule for stochastic approximation.
 *
 * <p>Each batch whose activation falls on the other side of the target than the previous one multiplies the gain
 * factor by {@code shrink}; each batch on the same side multiplies it by {@code growth}; the factor stays within
 * {@code [minScale, 1]}. Near the target the side flips at random, so the factor falls and the threshold stops
 * chasing sampling noise; far from it, or when the distribution moves, the side persists and the factor climbs back
 * to the reference gains within a few dozen batches.
 *
 * @param minScale the smallest factor, in (0, 1]
 * @param shrink factor applied on a change of side, in (0, 1)
 * @param growth factor applied when the side persists, finite and > 1
 */
public record GainAdaptation(double minScale, double shrink, double growth) {

    /** The defaults, chosen with the simulation harness (see {@code docs/controllers.md}). */
    public static final GainAdaptation DEFAULT = new GainAdaptation(0.05, 0.8, 1.1);

    /** Setting keys read by {@link #from(Settings)}. */
    public static final Set<String> KEYS = Set.of("minGainScale", "gainShrink", "gainGrowth");

    /**
     * Validates every value, naming the bad one and the allowed range.
     *
     * @param minScale the smallest factor, in (0, 1]
     * @param shrink factor applied on a change of side, in (0, 1)
     * @param growth factor applied when the side persists, finite and > 1
     */
    public GainAdaptation {
        PiSettings.require(minScale > 0 && minScale <= 1, "ast.controller.minGainScale", minScale, "in (0, 1]");
        PiSettings.require(shrink > 0 && shrink < 1, "ast.controller.gainShrink", shrink, "in (0, 1)");
        PiSettings.require(Double.isFinite(growth) && growth > 1, "ast.controller.gainGrowth", growth,
                "finite and > 1");
    }

    /**
     * Reads the rule from a controller's settings, falling back to {@link #DEFAULT}.
     *
     * @param settings the controller's settings
     * @return the validated rule
     */
    public static GainAdaptation from(Settings settings) {
        return new GainAdaptation(settings.getDouble("minGainScale", DEFAULT.minScale()),
                settings.getDouble("gainShrink", DEFAULT.shrink()), settings.getDouble("gainGrowth", DEFAULT.growth()));
    }
}
