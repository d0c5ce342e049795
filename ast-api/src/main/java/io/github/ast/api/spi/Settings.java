package io.github.ast.api.spi;

import io.github.ast.api.ConfigurationException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A plugin's own settings: an immutable string map (as read from properties files) with typed, validated getters.
 *
 * <p>Every parse error names the full key (prefix included) and the bad value, because the user wrote that key.
 */
public final class Settings {

    private final String prefix;
    private final Map<String, String> values;

    private Settings(String prefix, Map<String, String> values) {
        this.prefix = prefix;
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Creates settings.
     *
     * @param prefix the prefix the keys had in the configuration, for error messages (for example "ast.controller.")
     * @param values key to value, keys without the prefix
     * @return the settings
     */
    public static Settings of(String prefix, Map<String, String> values) {
        return new Settings(prefix, values);
    }

    /** {@return empty settings} */
    public static Settings empty() {
        return new Settings("", Map.of());
    }

    /** {@return the keys that were set} */
    public Set<String> keys() {
        return values.keySet();
    }

    /** {@return all values, keyed without prefix} */
    public Map<String, String> asMap() {
        return values;
    }

    /** {@return the prefix used in error messages} */
    public String prefix() {
        return prefix;
    }

    /**
     * Returns a finite double.
     *
     * @param key the key, without prefix
     * @param defaultValue the value when the key is not set
     * @return the value
     * @throws ConfigurationException if the value is not a finite number
     */
    public double getDouble(String key, double defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(raw.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(prefix + key + "='" + raw + "' is not a finite number");
    }

    /**
     * Returns an int.
     *
     * @param key the key, without prefix
     * @param defaultValue the value when the key is not set
     * @return the value
     * @throws ConfigurationException if the value is not an integer
     */
    public int getInt(String key, int defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(prefix + key + "='" + raw + "' is not an integer");
        }
    }

    /**
     * Returns a long.
     *
     * @param key the key, without prefix
     * @param defaultValue the value when the key is not set
     * @return the value
     * @throws ConfigurationException if the value is not an integer in the range of a long
     */
    public long getLong(String key, long defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(prefix + key + "='" + raw + "' is not an integer");
        }
    }

    /**
     * Returns a boolean, written {@code true} or {@code false}.
     *
     * @param key the key, without prefix
     * @param defaultValue the value when the key is not set
     * @return the value
     * @throws ConfigurationException if the value is neither
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(prefix + key + "='" + raw + "' is invalid; use true or false");
        };
    }

    /**
     * Returns a string.
     *
     * @param key the key, without prefix
     * @param defaultValue the value when the key is not set
     * @return the value
     */
    public String getString(String key, String defaultValue) {
        String raw = values.get(key);
        return raw == null ? defaultValue : raw.trim();
    }

    /**
     * Returns the settings with these keys only, for a plugin that shares its prefix with others (energy meters).
     *
     * @param keys the keys to keep, without prefix
     * @return the settings, with the same prefix
     */
    public Settings only(Set<String> keys) {
        Map<String, String> kept = new TreeMap<>(values);
        kept.keySet().retainAll(keys);
        return new Settings(prefix, kept);
    }

    /**
     * Rejects keys that the plugin does not know, so that a typo fails loudly instead of silently using a default.
     *
     * @param owner the plugin's name, for the message
     * @param known the keys the plugin reads
     * @throws ConfigurationException on the first unknown key
     */
    public void requireOnly(String owner, Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigurationException("Unknown setting " + prefix + key + " for '" + owner
                        + "'; it accepts " + (known.isEmpty() ? "no settings" : new TreeSet<>(known)));
            }
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
