package io.github.ast.api.spi;

import java.util.Set;

/**
 * A named factory for one kind of component, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>As in Trino's connector factories, the name is what users write in configuration and the factory validates
 * its own settings when it creates the component, so a bad configuration fails at load time, not mid-training.
 * Implementations register under the sub-interface for their kind ({@link ScorerFactory}, {@link GateFactory},
 * {@link ControllerFactory}, {@link EnergyModelFactory}) in {@code META-INF/services}.
 *
 * @param <T> the kind of component
 */
public interface PluginFactory<T> {

    /** {@return the unique name users select this implementation by, lower-case with dashes} */
    String name();

    /**
     * Returns the options record holding this plugin's settings, their defaults, descriptions and checks; a factory
     * with settings overrides it and binds the record in {@link #create} with {@link PluginContext#options}.
     *
     * @return the record type; {@link NoOptions} by default, for a plugin without settings
     */
    default Class<? extends Record> optionsType() {
        return NoOptions.class;
    }

    /**
     * Returns the setting keys this factory reads (without prefix); any other key is a configuration error.
     *
     * @return the keys of {@link #optionsType()}, unless a factory without an options record overrides this
     */
    default Set<String> settingKeys() {
        return OptionsBinder.keys(optionsType());
    }

    /**
     * Creates a component.
     *
     * @param context the run-wide values and this component's settings
     * @return a new component
     * @throws io.github.ast.api.ConfigurationException if a setting is invalid
     */
    T create(PluginContext context);
}
