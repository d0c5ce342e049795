package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.PluginFactory;
import io.github.ast.api.spi.ScorerFactory;
import io.github.ast.api.spi.SelectionPolicyFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every plugin factory found on the class path through {@link ServiceLoader}, indexed by kind and name.
 *
 * <p>Loaded once, checked for duplicate names, and the only place where a name becomes a component: unknown names
 * and unknown settings fail here, at load time, with the list of what is available.
 */
public final class PluginRegistry {

    /** The kinds of plugin, by the configuration word users write. */
    public static final Map<String, Class<? extends PluginFactory<?>>> KINDS = Map.of(
            "scorer", ScorerFactory.class,
            "gate", GateFactory.class,
            "controller", ControllerFactory.class,
            "energy", EnergyModelFactory.class,
            "policy", SelectionPolicyFactory.class);

    private final Map<String, Map<String, PluginFactory<?>>> factories;

    private PluginRegistry(Map<String, Map<String, PluginFactory<?>>> factories) {
        this.factories = factories;
    }

    /**
     * Loads every factory visible to a class loader.
     *
     * @param classLoader where to look for {@code META-INF/services} entries
     * @return the registry
     * @throws ConfigurationException if a service entry cannot be loaded or two factories share a name
     */
    public static PluginRegistry load(ClassLoader classLoader) {
        Map<String, Map<String, PluginFactory<?>>> all = new LinkedHashMap<>();
        for (Map.Entry<String, Class<? extends PluginFactory<?>>> kind : new TreeMap<>(KINDS).entrySet()) {
            Map<String, PluginFactory<?>> byName = new TreeMap<>();
            try {
                for (PluginFactory<?> factory : ServiceLoader.load(kind.getValue(), classLoader)) {
                    PluginFactory<?> previous = byName.put(factory.name(), factory);
                    if (previous != null) {
                        throw new ConfigurationException("Two " + kind.getKey() + " plugins are named '"
                                + factory.name() + "': " + previous.getClass().getName() + " and "
                                + factory.getClass().getName() + "; names must be unique");
                    }
                }
            } catch (ServiceConfigurationError e) {
                throw new ConfigurationException("Cannot load a " + kind.getKey() + " plugin listed in META-INF/services/"
                        + kind.getValue().getName() + ": " + e.getMessage());
            }
            all.put(kind.getKey(), Collections.unmodifiableMap(byName));
        }
        return new PluginRegistry(Collections.unmodifiableMap(all));
    }

    /**
     * Returns the names available for a kind.
     *
     * @param kind "scorer", "gate", "controller", "energy" or "policy"
     * @return the names, sorted
     */
    public SortedSet<String> names(String kind) {
        return new TreeSet<>(byKind(kind).keySet());
    }

    /**
     * Creates a component by name, after checking that its settings are all known to its factory.
     *
     * @param kind "scorer", "gate", "controller", "energy" or "policy"
     * @param type the component interface
     * @param name the configured name
     * @param context run-wide values and the component's settings
     * @param <T> the component type
     * @return the new component
     * @throws ConfigurationException if the name is unknown or a setting is unknown or invalid
     */
    public <T> T create(String kind, Class<T> type, String name, PluginContext context) {
        PluginFactory<?> factory = byKind(kind).get(name);
        if (factory == null) {
            throw new ConfigurationException("Unknown " + kind + " '" + name + "' (ast." + kind + "); available: "
                    + names(kind));
        }
        context.settings().requireOnly(name, factory.settingKeys());
        return type.cast(factory.create(context));
    }

    /**
     * Returns the setting keys a plugin accepts.
     *
     * @param kind the plugin kind
     * @param name the plugin name
     * @return its keys
     * @throws ConfigurationException if the name is unknown
     */
    public Set<String> settingKeys(String kind, String name) {
        PluginFactory<?> factory = byKind(kind).get(name);
        if (factory == null) {
            throw new ConfigurationException("Unknown " + kind + " '" + name + "'; available: " + names(kind));
        }
        return factory.settingKeys();
    }

    private Map<String, PluginFactory<?>> byKind(String kind) {
        Map<String, PluginFactory<?>> byName = factories.get(kind);
        if (byName == null) {
            throw new IllegalArgumentException("kind='" + kind + "' is not one of " + new TreeSet<>(KINDS.keySet()));
        }
        return byName;
    }
}
