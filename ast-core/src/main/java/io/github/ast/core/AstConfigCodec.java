package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code ast.*} properties form of an {@link AstConfig}, both ways. Core keys are {@code ast.<key>}, one for
 * each setting of the groups in {@link #GROUPS}, bound by {@link OptionsBinder}, so that their keys, defaults, parsing
 * and checks are those the groups declare; plugin settings are {@code ast.<family>.<key>} and pass through as text.
 *
 * <p>Reading is strict: an unknown {@code ast.} key fails, listing the known ones, and a bad value fails naming the
 * key, the value and what is allowed. Writing gives every core key in a fixed order, then the plugin settings by
 * family and key, so that the same configuration is always written alike: checkpoints compare what they were written
 * with, and benchmarks record it.
 */
public final class AstConfigCodec {

    /** Prefix of every property a configuration reads. */
    public static final String PREFIX = "ast.";

    /** The plugin families that take settings, as in {@code ast.<family>.<key>}, in the order they are written. */
    public static final List<String> FAMILIES = List.of("scorer", "gate", "controller", "energy", "meter", "policy");

    /** The options records of the core settings, in the order of {@link AstConfig}'s components. */
    public static final List<Class<? extends Record>> GROUPS = List.of(PluginConfig.class, TargetConfig.class,
            StepConfig.class, RandomConfig.class, SelectionConfig.class, ScoringPass.class);

    /**
     * Keys added after checkpoints existed, in the order they were added: written after the others, and only away
     * from their default ({@code ast.staleness} only with {@code ast.selection=stale}), so that checkpoints of
     * configurations that leave them alone still resume.
     */
    private static final List<String> ADDED_LATER = List.of("targetStart", "staleness", "policy", "backwardBatch",
            "scoreEvery", "scoreDownsample", "maxBadSteps", "clipNorm");

    /** Every core key, sorted for messages. */
    private static final Set<String> KEYS = GROUPS.stream().flatMap(group -> OptionsBinder.keys(group).stream())
            .collect(Collectors.toCollection(TreeSet::new));

    /** The defaults as written. */
    private static final Map<String, String> DEFAULTS = values(PluginConfig.DEFAULTS, TargetConfig.DEFAULTS,
            StepConfig.DEFAULTS, RandomConfig.DEFAULTS, SelectionConfig.DEFAULTS, ScoringPass.DEFAULTS);

    private AstConfigCodec() {}

    /** The key that names a {@link ConfigPresets preset} to start from. */
    public static final String PRESET = PREFIX + "preset";

    /**
     * Reads a configuration from the properties named {@code ast.*}, trimmed, on top of the preset
     * {@code ast.preset} names or else the defaults; other properties are ignored.
     *
     * @param properties the properties, for example {@link System#getProperties()}
     * @return the configuration
     * @throws ConfigurationException on an unknown {@code ast.} key or preset, or an invalid value
     */
    public static AstConfig read(Properties properties) {
        String preset = properties.getProperty(PRESET);
        AstConfigBuilder builder = preset == null ? AstConfig.builder() : ConfigPresets.builder(preset.trim());
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (name.startsWith(PREFIX) && !name.equals(PRESET)) {
                builder.setting(name.substring(PREFIX.length()), properties.getProperty(name).trim());
            }
        }
        return builder.build();
    }

    /**
     * Writes a configuration as {@code ast.*} properties, the inverse of {@link #read}: the core keys in the order of
     * {@link #GROUPS} (the later additions last, and only when used), then the plugin settings by family and key.
     *
     * @param config the configuration
     * @return the properties, in that order
     */
    public static Map<String, String> write(AstConfig config) {
        Map<String, String> values = values(config);
        Map<String, String> written = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (!ADDED_LATER.contains(key)) {
                written.put(PREFIX + key, value);
            }
        });
        for (String key : ADDED_LATER) {
            String value = values.get(key);
            if (key.equals("staleness") ? config.selection().mode() == SelectionConfig.Mode.STALE
                    : value != null && !value.equals(DEFAULTS.get(key))) {
                written.put(PREFIX + key, value);
            }
        }
        config.settings().forEach((family, own) -> own.forEach((key, value) ->
                written.put(PREFIX + family + "." + key, value)));
        return written;
    }

    /** Binds the core values, keys without prefix, and the plugin settings by family. */
    static AstConfig read(Map<String, String> values, Map<String, Map<String, String>> settings) {
        Settings all = Settings.of(PREFIX, values);
        return new AstConfig(bind(PluginConfig.class, all), bind(TargetConfig.class, all), bind(StepConfig.class, all),
                bind(RandomConfig.class, all), bind(SelectionConfig.class, all), bind(ScoringPass.class, all),
                settings);
    }

    private static <G extends Record> G bind(Class<G> group, Settings all) {
        return OptionsBinder.bind(group, all.only(OptionsBinder.keys(group)));
    }

    /** Every core value of a configuration as text, keyed without prefix; an unset optional number is left out. */
    static Map<String, String> values(AstConfig config) {
        return values(config.plugins(), config.target(), config.steps(), config.random(), config.selection(),
                config.scoring());
    }

    /** The values of some groups as text, keyed without prefix; an unset optional number is left out. */
    static Map<String, String> values(Record... groups) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Record group : groups) {
            OptionsBinder.values(group).forEach((key, value) -> {
                if (!(value instanceof Double d && d.isNaN())) {
                    values.put(key, text(value));
                }
            });
        }
        return values;
    }

    /** Whether a key is a core key. */
    static boolean isCore(String key) {
        return KEYS.contains(key);
    }

    /** The error for a key that is neither a core key nor a plugin family's, without the prefix. */
    static ConfigurationException unknown(String key) {
        return new ConfigurationException("Unknown property " + PREFIX + key + "; known: " + KEYS + " and "
                + PREFIX + "<" + String.join("|", FAMILIES) + ">.<setting>");
    }

    /** A value as configuration writes it: numbers as Java prints them, enum constants in lower case with dashes. */
    static String text(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return value == null ? null : value.toString();
    }
}
