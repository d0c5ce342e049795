package io.github.ast.controllers;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.PluginContext;

/**
 * What a PI controller runs on: the run's target and starting threshold, which the trainer owns and may change, and
 * the controller's own {@link PiOptions}.
 *
 * @param targetRate the activation rate to hold, in (0, 1]
 * @param initialThreshold the threshold before the first batch, within the options' bounds
 * @param options gains, smoothing and bounds
 */
public record PiSettings(double targetRate, double initialThreshold, PiOptions options) {

    /**
     * Validates the run's values against the options, naming them by their configuration keys.
     *
     * @param targetRate the activation rate to hold, in (0, 1]
     * @param initialThreshold the threshold before the first batch, within the options' bounds
     * @param options gains, smoothing and bounds
     */
    public PiSettings {
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new ConfigurationException("ast.targetRate=" + targetRate + " is invalid; it must be in (0, 1]");
        }
        if (!(initialThreshold >= options.minThreshold() && initialThreshold <= options.maxThreshold())) {
            throw new ConfigurationException("ast.initialThreshold=" + initialThreshold + " is invalid; it must be "
                    + "within [ast.controller.minThreshold, ast.controller.maxThreshold] = [" + options.minThreshold()
                    + ", " + options.maxThreshold() + "]");
        }
    }

    /**
     * Returns the reference settings for a target and a starting threshold.
     *
     * @param targetRate the activation rate to hold
     * @param initialThreshold the starting threshold
     * @return the settings, with {@link PiOptions#DEFAULTS}
     */
    public static PiSettings reference(double targetRate, double initialThreshold) {
        return new PiSettings(targetRate, initialThreshold, PiOptions.DEFAULTS);
    }

    /**
     * Combines a plugin context's run-wide values with bound options.
     *
     * @param context the controller's context
     * @param options its options
     * @return validated settings
     */
    public static PiSettings of(PluginContext context, PiOptions options) {
        return new PiSettings(context.targetRate(), context.initialThreshold(), options);
    }

    /**
     * Returns the same settings with another target.
     *
     * @param rate the new target, in (0, 1]
     * @return the settings
     */
    public PiSettings withTargetRate(double rate) {
        return new PiSettings(rate, initialThreshold, options);
    }
}
