package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The complete, immutable configuration of an adaptive sparse training run: a few groups of core settings, each an
 * options record whose components declare their key ({@code ast.<key>}), default and description once, plus the
 * plugins' own settings ({@code ast.<family>.<key>}), which travel as text and are checked by each plugin's factory
 * when the trainer is built. {@link AstConfigCodec} reads and writes the {@code ast.*} properties; the record is
 * written into every run report so that results can be reproduced.
 *
 * @param plugins the engine and the plugins, by name
 * @param target the target rate, the starting threshold and the fallback
 * @param steps how selected rows become optimizer steps
 * @param random the seed and how often the random generators restart from it
 * @param selection fresh, history or stale scores, exploration, rescaling, warm-up, annealing and target schedule
 * @param scoring how often and at what resolution batches get a fresh scoring forward
 * @param settings the plugins' settings by family ({@link AstConfigCodec#FAMILIES}), keys without prefix
 */
public record AstConfig(PluginConfig plugins, TargetConfig target, StepConfig steps, RandomConfig random,
        SelectionConfig selection, ScoringPass scoring, Map<String, Map<String, String>> settings) {

    /**
     * Fills in the defaults of missing groups and checks the settings that span groups.
     *
     * @param plugins the engine and the plugins, or null for {@link PluginConfig#DEFAULTS}
     * @param target the target, or null for {@link TargetConfig#DEFAULTS}
     * @param steps the steps, or null for {@link StepConfig#DEFAULTS}
     * @param random the randomness, or null for {@link RandomConfig#DEFAULTS}
     * @param selection the selection, or null for {@link SelectionConfig#DEFAULTS}
     * @param scoring the scoring pass, or null for every batch at full resolution; anything else needs fresh or stale
     *     selection (a history-only run has no scoring forward) and, when it skips batches, no pooled steps
     * @param settings the plugins' settings by family, or null for none
     * @throws ConfigurationException if a family is unknown or the groups do not fit together
     */
    public AstConfig {
        plugins = Objects.requireNonNullElse(plugins, PluginConfig.DEFAULTS);
        target = Objects.requireNonNullElse(target, TargetConfig.DEFAULTS);
        steps = Objects.requireNonNullElse(steps, StepConfig.DEFAULTS);
        random = Objects.requireNonNullElse(random, RandomConfig.DEFAULTS);
        selection = Objects.requireNonNullElse(selection, SelectionConfig.DEFAULTS);
        scoring = Objects.requireNonNullElse(scoring, ScoringPass.EVERY_BATCH);
        if (!scoring.equals(ScoringPass.EVERY_BATCH) && selection.mode() == SelectionConfig.Mode.HISTORY) {
            String key = scoring.every() != 1 ? "ast.scoreEvery=" + scoring.every()
                    : "ast.scoreDownsample=" + scoring.downsample();
            throw new ConfigurationException(key + " shapes a scoring forward, which ast.selection=history never "
                    + "runs; use ast.selection=fresh or stale, or leave it at 1");
        }
        if (scoring.needsHistory() && steps.backwardBatch() > 0) {
            throw new ConfigurationException("ast.scoreEvery=" + scoring.every() + " cannot be combined with "
                    + "ast.backwardBatch=" + steps.backwardBatch() + ": a pooled step would mix rows of scored and "
                    + "unscored batches; use ast.backwardBatch=0 (a step per batch) or ast.scoreEvery=1");
        }
        Map<String, Map<String, String>> byFamily = new LinkedHashMap<>();
        AstConfigCodec.FAMILIES.forEach(family -> byFamily.put(family, Map.of()));
        if (settings != null) {
            settings.forEach((family, own) -> {
                if (byFamily.put(family, Collections.unmodifiableMap(new TreeMap<>(own))) == null) {
                    throw AstConfigCodec.unknown(family + ".");
                }
            });
        }
        settings = Collections.unmodifiableMap(byFamily);
    }

    /** {@return the reference configuration: every group's {@code DEFAULTS}, no plugin settings} */
    public static AstConfig defaults() {
        return new AstConfig(null, null, null, null, null, null, null);
    }

    /** {@return a builder starting from the defaults} */
    public static AstConfigBuilder builder() {
        return new AstConfigBuilder(Map.of(), Map.of());
    }

    /** {@return a builder starting from this configuration} */
    public AstConfigBuilder toBuilder() {
        return new AstConfigBuilder(AstConfigCodec.values(this), settings);
    }

    /**
     * {@return the configuration that properties named {@code ast.*} give on top of the defaults; others are ignored}
     *
     * @param properties the properties, for example {@link System#getProperties()}
     * @throws ConfigurationException on an unknown {@code ast.} key or an invalid value
     * @see AstConfigCodec#read
     */
    public static AstConfig fromProperties(Properties properties) {
        return AstConfigCodec.read(properties);
    }

    /**
     * {@return this configuration as {@code ast.*} properties, in a fixed order: the inverse of fromProperties}
     *
     * @see AstConfigCodec#write
     */
    public Map<String, String> toProperties() {
        return AstConfigCodec.write(this);
    }

    /** {@return the run-wide values every plugin receives in its context} */
    public RunValues runValues() {
        return new RunValues(plugins.engine(), plugins.scorer(), target.targetRate(), selection.targetStart(),
                target.initialThreshold(), target.minActive(), selection.exploration(), selection.rescale(),
                steps.backwardBatch(), random.seed());
    }

    /**
     * Returns the context a plugin factory receives.
     *
     * @param family "scorer", "gate", "controller", "energy", "meter" or "policy"
     * @param services objects supplied in code, by type
     * @return run-wide values ({@link #runValues()}) plus that plugin's settings
     * @throws IllegalArgumentException for another family
     */
    public PluginContext contextFor(String family, Map<Class<?>, Object> services) {
        Map<String, String> own = settings.get(family);
        if (own == null) {
            throw new IllegalArgumentException("family='" + family + "' is not one of " + AstConfigCodec.FAMILIES);
        }
        return new PluginContext(runValues(), Settings.of(AstConfigCodec.PREFIX + family + ".", own), services);
    }
}
