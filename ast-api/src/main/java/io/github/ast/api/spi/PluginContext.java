package io.github.ast.api.spi;

import io.github.ast.api.RunRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a factory needs to create its component: the run-wide values every component may depend on, the
 * component's own settings, and objects the user supplied in code (a reference model, say).
 *
 * @param run the run-wide values: target, seed, fallback size, exploration, pooled steps, engine and scorer names
 * @param settings the component's own settings
 * @param services objects supplied in code, by the type they are looked up by
 */
public record PluginContext(RunValues run, Settings settings, Map<Class<?>, Object> services) {

    /**
     * Checks the services' types.
     *
     * @param run the run-wide values
     * @param settings the component's own settings
     * @param services objects supplied in code, by the type they are looked up by; each must be an instance of its key,
     *     and a {@link RunRandom} from the run's seed is added if absent
     */
    public PluginContext {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(settings, "settings");
        Map<Class<?>, Object> withRandom = new HashMap<>(services);
        withRandom.putIfAbsent(RunRandom.class, new RunRandom(run.seed()));
        services = Map.copyOf(withRandom);
        services.forEach((type, service) -> {
            if (!type.isInstance(service)) {
                throw new IllegalArgumentException("service " + service + " is not a " + type.getName());
            }
        });
    }

    /**
     * Creates a context without services.
     *
     * @param run the run-wide values
     * @param settings the component's own settings
     */
    public PluginContext(RunValues run, Settings settings) {
        this(run, settings, Map.of());
    }

    /**
     * Creates a context whose other run-wide values are {@link RunValues#of}'s defaults, for a component used on its
     * own (a test, a simulation).
     *
     * @param targetRate the fraction of samples the run aims to train on, in (0, 1]
     * @param initialThreshold the gate's threshold before the first batch, finite
     * @param seed the run's random seed
     * @param settings the component's own settings
     * @param services objects supplied in code, by the type they are looked up by
     */
    public PluginContext(double targetRate, double initialThreshold, long seed, Settings settings,
            Map<Class<?>, Object> services) {
        this(RunValues.of(targetRate, initialThreshold, seed), settings, services);
    }

    /**
     * Creates a context without services whose other run-wide values are {@link RunValues#of}'s defaults.
     *
     * @param targetRate the fraction of samples the run aims to train on, in (0, 1]
     * @param initialThreshold the gate's threshold before the first batch, finite
     * @param seed the run's random seed
     * @param settings the component's own settings
     */
    public PluginContext(double targetRate, double initialThreshold, long seed, Settings settings) {
        this(targetRate, initialThreshold, seed, settings, Map.of());
    }

    /** {@return the fraction of samples the run aims to train on, in (0, 1]: {@code run().targetRate()}} */
    public double targetRate() {
        return run.targetRate();
    }

    /** {@return the gate's threshold before the first batch: {@code run().initialThreshold()}} */
    public double initialThreshold() {
        return run.initialThreshold();
    }

    /** {@return the run's random seed, for components that draw random numbers: {@code run().seed()}} */
    public long seed() {
        return run.seed();
    }

    /**
     * Returns a service supplied in code.
     *
     * @param type the type it was supplied as
     * @param <T> that type
     * @return the service, or empty
     */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /**
     * Returns the run's own random numbers: the trainer's (a service it supplies and re-seeds), or, in a context
     * built without it (a test, a component used on its own), one generator started from {@link #seed()} and shared
     * by every component created from this context.
     *
     * @return the generator
     */
    public RunRandom random() {
        return (RunRandom) services.get(RunRandom.class);
    }

    /**
     * Binds the component's settings to its options record, see {@link OptionsBinder#bind}.
     *
     * @param type the factory's {@link PluginFactory#optionsType()}
     * @param <O> that type
     * @return the validated options
     * @throws io.github.ast.api.ConfigurationException naming the full key if a key is unknown or a value invalid
     */
    public <O extends Record> O options(Class<O> type) {
        return OptionsBinder.bind(type, settings);
    }

    /**
     * Returns the same run-wide values and services with other settings, for composite components.
     *
     * @param other the settings
     * @return the new context
     */
    public PluginContext withSettings(Settings other) {
        return new PluginContext(run, other, services);
    }
}
