package io.github.ast.api.spi;

import io.github.ast.api.EnergyMeter;
import java.util.Optional;
import java.util.Set;

/**
 * Service interface for energy meters. Unlike other plugins, meters are chosen automatically: the available meter
 * with the highest priority wins (hardware counters before estimates), unless configuration names one.
 */
public interface EnergyMeterFactory {

    /** {@return the name users may select this meter by, for example "rapl", "nvml", "cpu-time"} */
    String name();

    /**
     * Returns the options record holding this meter's settings, their defaults, descriptions and checks; a meter
     * with settings overrides it and binds the record in {@link #open} with {@link OptionsBinder#bind}.
     *
     * @return the record type; {@link NoOptions} by default, for a meter without settings
     */
    default Class<? extends Record> optionsType() {
        return NoOptions.class;
    }

    /**
     * Returns the setting keys this meter reads (without prefix); keys no meter reads are configuration errors.
     *
     * @return the keys of {@link #optionsType()}, unless a meter without an options record overrides this
     */
    default Set<String> settingKeys() {
        return OptionsBinder.keys(optionsType());
    }

    /** {@return the priority: higher is preferred when several meters are available} */
    int priority();

    /**
     * Checks the settings' values without touching the meter's source, so that a bad value fails when the trainer is
     * built rather than when {@code fit} starts; {@link #open} must accept whatever this accepts. By default it
     * binds {@link #optionsType()}, which is all the checking a meter with an options record needs.
     *
     * @param settings the meter's own settings
     * @throws io.github.ast.api.ConfigurationException naming the key, the value and what is allowed
     */
    default void validate(Settings settings) {
        OptionsBinder.bind(optionsType(), settings);
    }

    /**
     * Opens the meter if this machine supports it.
     *
     * @param settings the meter's own settings, the {@code ast.meter.*} keys among {@link #settingKeys()} (for
     *     example watts per core for an estimate)
     * @return the meter, or empty if its source is absent here
     */
    Optional<EnergyMeter> open(Settings settings);
}
