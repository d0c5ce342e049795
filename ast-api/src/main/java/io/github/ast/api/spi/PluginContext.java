package io.github.ast.api.spi;

import io.github.ast.api.ConfigurationException;
import java.util.Objects;

/**
 * What a factory needs to create its component: the run-wide values every component may depend on and the
 * component's own settings.
 *
 * @param targetRate the fraction of samples the run aims to train on, in (0, 1]
 * @param initialThreshold the gate's threshold before the first batch
 * @param seed the run's random seed, for components that draw random numbers
 * @param settings the component's own settings
 */
public record PluginContext(double targetRate, double initialThreshold, long seed, Settings settings) {

    /** Validates the run-wide values. */
    public PluginContext {
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new ConfigurationException("targetRate=" + targetRate + " must be in (0, 1]");
        }
        if (!Double.isFinite(initialThreshold)) {
            throw new ConfigurationException("initialThreshold=" + initialThreshold + " must be finite");
        }
        Objects.requireNonNull(settings, "settings");
    }
}
