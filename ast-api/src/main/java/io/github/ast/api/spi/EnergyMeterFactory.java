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

    /** {@return the setting keys this meter reads (without prefix); keys no meter reads are configuration errors} */
    Set<String> settingKeys();

    /** {@return the priority: higher is preferred when several meters are available} */
    int priority();

    /**
     * Checks the settings' values without touching the meter's source, so that a bad value fails when the trainer is
     * built rather than when {@code fit} starts; {@link #open} must accept whatever this accepts.
     *
     * @param settings the meter's settings
     * @throws io.github.ast.api.ConfigurationException naming the key, the value and what is allowed
     */
    default void validate(Settings settings) {}

    /**
     * Opens the meter if this machine supports it.
     *
     * @param settings the meter's settings (for example watts per core for an estimate)
     * @return the meter, or empty if its source is absent here
     */
    Optional<EnergyMeter> open(Settings settings);
}
