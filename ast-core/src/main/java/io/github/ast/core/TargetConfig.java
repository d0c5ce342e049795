package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * The share of rows a run trains on, the threshold its gate starts from and the fallback when too few rows pass.
 * Each component's meaning and default is its {@link Option}.
 *
 * @param targetRate {@code ast.targetRate}, in (0, 1]
 * @param initialThreshold {@code ast.initialThreshold}, finite
 * @param minActive {@code ast.minActive}, >= 1
 */
public record TargetConfig(
        @Option(description = "fraction of samples to train on, in (0, 1]") double targetRate,
        @Option(description = "the gate's threshold before the first batch") double initialThreshold,
        @Option(description = "fallback: when fewer samples activate, this many random samples train instead")
        int minActive) {

    /** The reference: 10% of the rows, threshold 0.5, a fallback of 2 rows. */
    public static final TargetConfig DEFAULTS = new TargetConfig(0.10, 0.50, 2);

    /**
     * Validates the values.
     *
     * @param targetRate {@code ast.targetRate}, in (0, 1]
     * @param initialThreshold {@code ast.initialThreshold}, finite
     * @param minActive {@code ast.minActive}, >= 1
     */
    public TargetConfig {
        require(targetRate > 0 && targetRate <= 1, "targetRate", targetRate, "in (0, 1]");
        require(Double.isFinite(initialThreshold), "initialThreshold", initialThreshold, "finite");
        require(minActive >= 1, "minActive", minActive, ">= 1");
    }
}
