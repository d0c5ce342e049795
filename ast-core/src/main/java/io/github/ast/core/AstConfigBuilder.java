package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.OptionsBinder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mutable builder of {@link AstConfig}: each call sets one {@code ast.*} key, as the properties would, and
 * {@link #build()} reads them with {@link AstConfigCodec}, so that a builder and properties with the same values
 * give the same configuration or the same error. A null value resets a core key to its default.
 */
public final class AstConfigBuilder {
    private final Map<String, String> values;
    private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();

    AstConfigBuilder(Map<String, String> values, Map<String, Map<String, String>> settings) {
        this.values = new TreeMap<>(values);
        AstConfigCodec.FAMILIES.forEach(family -> this.settings.put(family, new TreeMap<>()));
        settings.forEach((family, own) -> this.settings.get(family).putAll(own));
    }

    /**
     * {@return this builder, with {@code ast.engine} set}
     * @param value the engine, for example "PyTorch" or "MXNet", or empty for DJL's default
     */
    public AstConfigBuilder engine(String value) {
        return set("engine", value);
    }

    /**
     * {@return this builder, with {@code ast.scorer} set}
     * @param value the scorer's registered name
     */
    public AstConfigBuilder scorer(String value) {
        return set("scorer", value);
    }

    /**
     * {@return this builder, with {@code ast.gate} set}
     * @param value the gate's registered name
     */
    public AstConfigBuilder gate(String value) {
        return set("gate", value);
    }

    /**
     * {@return this builder, with {@code ast.controller} set}
     * @param value the controller's registered name
     */
    public AstConfigBuilder controller(String value) {
        return set("controller", value);
    }

    /**
     * {@return this builder, with {@code ast.energy} set}
     * @param value the primary energy model's registered name
     */
    public AstConfigBuilder energyModel(String value) {
        return set("energy", value);
    }

    /**
     * {@return this builder, with {@code ast.energyCompare} set}
     * @param value the energy models priced side by side with the primary one
     */
    public AstConfigBuilder energyCompare(List<String> value) {
        return set("energyCompare", value == null ? null : String.join(",", value));
    }

    /**
     * {@return this builder, with {@code ast.meter} set}
     * @param value "auto", "none" or a meter name
     */
    public AstConfigBuilder meter(String value) {
        return set("meter", value);
    }

    /**
     * {@return this builder, with {@code ast.policy} set}
     * @param value the selection policy's registered name
     */
    public AstConfigBuilder policy(String value) {
        return set("policy", value);
    }

    /**
     * {@return this builder, with {@code ast.targetRate} set}
     * @param value the fraction of samples to train on, in (0, 1]
     */
    public AstConfigBuilder targetRate(double value) {
        return set("targetRate", value);
    }

    /**
     * {@return this builder, with {@code ast.initialThreshold} set}
     * @param value the gate threshold before the first batch, finite
     */
    public AstConfigBuilder initialThreshold(double value) {
        return set("initialThreshold", value);
    }

    /**
     * {@return this builder, with {@code ast.minActive} set}
     * @param value the number of random samples trained when fewer activate, >= 1
     */
    public AstConfigBuilder minActive(int value) {
        return set("minActive", value);
    }

    /**
     * {@return this builder, with {@code ast.splits} set}
     * @param value the number of shares the selected rows are split into, >= 0 (0: one per device)
     */
    public AstConfigBuilder splits(int value) {
        return set("splits", value);
    }

    /**
     * {@return this builder, with {@code ast.backwardBatch} set}
     * @param value rows per pooled step, >= 0 (0: one step per batch)
     */
    public AstConfigBuilder backwardBatch(int value) {
        return set("backwardBatch", value);
    }

    /**
     * {@return this builder, with {@code ast.maxBadSteps} set}
     * @param value steps in a row that may go unapplied for non-finite losses or gradients, >= 1
     */
    public AstConfigBuilder maxBadSteps(int value) {
        return set("maxBadSteps", value);
    }

    /**
     * {@return this builder, with {@code ast.clipNorm} set}
     * @param value the global gradient norm steps are clipped to, > 0; 0 for none
     */
    public AstConfigBuilder clipNorm(double value) {
        return set("clipNorm", value);
    }

    /**
     * {@return this builder, with {@code ast.seed} set}
     * @param value the seed
     */
    public AstConfigBuilder seed(long value) {
        return set("seed", value);
    }

    /**
     * {@return this builder, with {@code ast.reseedEvery} set}
     * @param value batches between restarts of the random generators, >= 1; 0 never (no checkpoints then)
     */
    public AstConfigBuilder reseedEvery(int value) {
        return set("reseedEvery", value);
    }

    /**
     * {@return this builder, with every key of {@link SelectionConfig} set: {@code ast.selection}, ...}
     * @param value the selection
     */
    public AstConfigBuilder selection(SelectionConfig value) {
        return group(value);
    }

    /**
     * {@return this builder, with {@code ast.scoreEvery} and {@code ast.scoreDownsample} set}
     * @param value every k-th batch, images pooled by d; {@link ScoringPass#EVERY_BATCH} by default
     */
    public AstConfigBuilder scoring(ScoringPass value) {
        return group(value);
    }

    /**
     * Sets one key, as {@code ast.<key>=<value>} would: a core key, or a plugin's setting {@code <family>.<key>}.
     *
     * @param key the key without {@code ast.}, for example {@code targetRate} or {@code controller.kp}
     * @param value the value as text
     * @return this builder
     * @throws ConfigurationException if the key is neither a core key nor in a plugin family
     */
    public AstConfigBuilder setting(String key, String value) {
        int dot = key.indexOf('.');
        if (dot < 0 && AstConfigCodec.isCore(key)) {
            return set(key, value);
        }
        Map<String, String> own = dot < 0 ? null : settings.get(key.substring(0, dot));
        if (own == null || dot == key.length() - 1) {
            throw AstConfigCodec.unknown(key);
        }
        own.put(key.substring(dot + 1), value);
        return this;
    }

    /**
     * Validates and returns the configuration.
     *
     * @return the configuration
     * @throws ConfigurationException naming the first key whose value does not parse or is not allowed
     */
    public AstConfig build() {
        return AstConfigCodec.read(values, settings);
    }

    private AstConfigBuilder group(Record value) {
        OptionsBinder.keys(value.getClass()).forEach(values::remove);
        values.putAll(AstConfigCodec.values(value));
        return this;
    }

    private AstConfigBuilder set(String key, Object value) {
        String text = AstConfigCodec.text(value);
        if (text == null) {
            values.remove(key);
        } else {
            values.put(key, text);
        }
        return this;
    }
}
