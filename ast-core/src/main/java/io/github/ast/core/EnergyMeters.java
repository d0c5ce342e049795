package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the energy meter of a run: with {@code ast.meter=auto} the available meter of highest priority (hardware
 * counters before estimates), otherwise the one named, or none. The choice is logged, with "ESTIMATE" where it is
 * one, because a measured figure and an estimate must never be confused.
 */
public final class EnergyMeters {

    private static final Logger LOG = LoggerFactory.getLogger(EnergyMeters.class);

    private EnergyMeters() {}

    /**
     * Opens the configured meter.
     *
     * @param choice "auto", "none" or a meter name
     * @param settings the meters' settings ({@code ast.meter.*})
     * @return the meter, or empty for "none" or when auto finds nothing
     * @throws ConfigurationException for an unknown name or a named meter that is not available here
     */
    public static Optional<EnergyMeter> open(String choice, Settings settings) {
        List<EnergyMeterFactory> factories = factories();
        validate(choice, settings, factories);
        if (choice.equals("none")) {
            return Optional.empty();
        }
        if (choice.equals("auto")) {
            for (EnergyMeterFactory factory : factories) {
                Optional<EnergyMeter> meter = factory.open(own(factory, settings));
                if (meter.isPresent()) {
                    log(meter.get());
                    return meter;
                }
            }
            LOG.info("Energy meter: none available (tried {})", names(factories));
            return Optional.empty();
        }
        EnergyMeterFactory factory = named(choice, factories);
        EnergyMeter meter = factory.open(own(factory, settings)).orElseThrow(() -> new ConfigurationException(
                "energy meter '" + choice + "' (ast.meter) is not available on this machine; use ast.meter=auto"));
        log(meter);
        return Optional.of(meter);
    }

    /**
     * Checks a meter choice and its settings without opening anything, as every other plugin is checked when the
     * trainer is built: the name must be "auto", "none" or a meter's, every {@code ast.meter.*} key one that some
     * meter reads (also with "none", where a typo would otherwise go unnoticed), and the values those the meters that
     * may be opened accept.
     *
     * @param choice "auto", "none" or a meter name
     * @param settings the meters' settings ({@code ast.meter.*})
     * @throws ConfigurationException naming what is wrong and what is allowed
     */
    public static void validate(String choice, Settings settings) {
        validate(choice, settings, factories());
    }

    private static void validate(String choice, Settings settings, List<EnergyMeterFactory> factories) {
        Set<String> known = new TreeSet<>();
        factories.forEach(f -> known.addAll(f.settingKeys()));
        settings.requireOnly("the energy meters", known);
        if (choice.equals("auto") || choice.equals("none")) {
            factories.forEach(f -> f.validate(own(f, settings)));
        } else {
            EnergyMeterFactory factory = named(choice, factories);
            factory.validate(own(factory, settings));
        }
    }

    /** The {@code ast.meter.*} keys a meter reads: the meters share the prefix, each binds only its own keys. */
    private static Settings own(EnergyMeterFactory factory, Settings settings) {
        return settings.only(factory.settingKeys());
    }

    private static List<EnergyMeterFactory> factories() {
        List<EnergyMeterFactory> factories = new ArrayList<>();
        ServiceLoader.load(EnergyMeterFactory.class, EnergyMeters.class.getClassLoader()).forEach(factories::add);
        factories.sort(Comparator.comparingInt(EnergyMeterFactory::priority).reversed());
        return factories;
    }

    private static EnergyMeterFactory named(String choice, List<EnergyMeterFactory> factories) {
        return factories.stream().filter(f -> f.name().equals(choice)).findFirst()
                .orElseThrow(() -> new ConfigurationException("Unknown energy meter '" + choice + "' (ast.meter); "
                        + "available: auto, none, " + names(factories)));
    }

    private static void log(EnergyMeter meter) {
        LOG.info("Energy meter: {}{}", meter.description(), meter.isEstimate() ? " (ESTIMATE, not measured)" : "");
    }

    private static String names(List<EnergyMeterFactory> factories) {
        return factories.stream().map(EnergyMeterFactory::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
