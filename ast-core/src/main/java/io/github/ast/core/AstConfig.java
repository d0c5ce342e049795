package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The complete, immutable configuration of an adaptive sparse training run.
 *
 * <p>Plugins are chosen by name, so switching scorer, gate, controller, energy model or engine is a configuration
 * change. Each plugin's own settings travel as strings and are validated by the plugin's factory at load time. The
 * record is written into every run report so that results can be reproduced.
 *
 * @param engine the DJL engine the model must run on ("PyTorch", "MXNet"), or empty for the default engine
 * @param scorer scorer name
 * @param gate gate name
 * @param controller controller name
 * @param energyModel energy model name, the one the epoch line's saving comes from
 * @param energyCompare further energy models priced side by side
 * @param meter energy meter: "auto" (the best available), "none" or a meter name
 * @param targetRate fraction of samples to train on, in (0, 1]
 * @param initialThreshold gate threshold before the first batch, finite
 * @param minActive fallback size: when fewer samples activate, this many random samples train instead, >= 1
 * @param splits shares the selected samples are split into for forward and backward, one per trainer device with
 *     0 (the default); more shares than devices accumulate gradients over micro-batches, for memory-bound devices
 * @param seed random seed for the engine, the sampler and the fallback
 * @param reseedEvery randomness restarts from seeds derived from {@code seed} at every epoch and after every this
 *     many batches within one, >= 1: engines cannot save their generators' state, so this fixed grid is what lets a
 *     run resumed from a batch checkpoint (whose cadence must be a multiple of it) draw what an uninterrupted run
 *     with the same configuration draws, with or without checkpoints; 0 never restarts them, so draws run on from
 *     {@code seed} as in a custom loop (the benchmark's arms), and such a run cannot be checkpointed
 * @param maxBadSteps steps in a row that may go unapplied for non-finite losses (from finite inputs) or gradients
 *     before training stops with a {@link io.github.ast.api.TrainingDivergedException}, >= 1
 * @param selection fresh, history or stale scores, exploration, rescaling, warm-up and annealing
 * @param policy selection policy name: {@code gated} (the published system, default) or another registered one
 * @param backwardBatch 0 (default): each batch trains the rows it selected in one step; {@code n >= 1}: selected
 *     rows queue across batches and train in steps of exactly {@code n} rows (the remainder at the epoch's end)
 * @param scoring how often and at what resolution batches get a fresh scoring forward ({@code ast.scoreEvery},
 *     {@code ast.scoreDownsample}); every batch at full resolution by default
 * @param scorerSettings the scorer's settings (keys without prefix)
 * @param gateSettings the gate's settings
 * @param controllerSettings the controller's settings
 * @param energySettings the energy models' settings (each comparison model receives the keys it accepts)
 * @param meterSettings the meter's settings
 * @param policySettings the policy's settings
 */
public record AstConfig(String engine, String scorer, String gate, String controller, String energyModel,
        List<String> energyCompare, String meter, double targetRate, double initialThreshold, int minActive,
        int splits, long seed, int reseedEvery, int maxBadSteps, SelectionConfig selection, String policy,
        int backwardBatch, ScoringPass scoring, Map<String, String> scorerSettings, Map<String, String> gateSettings,
        Map<String, String> controllerSettings, Map<String, String> energySettings,
        Map<String, String> meterSettings, Map<String, String> policySettings) {

    /** The default selection policy: the published system. */
    public static final String DEFAULT_POLICY = "gated";

    /** Prefix of every property this configuration reads. */
    public static final String PREFIX = "ast.";

    /**
     * Batches between restarts of the random generators by default: restarting MXNet's takes about 1.3 ms, so every
     * 100 batches costs nothing measurable, and batch checkpoints every 100, 200, ... batches stay possible.
     */
    public static final int DEFAULT_RESEED_EVERY = 100;

    /**
     * Bad steps in a row tolerated by default: one overflow can pass, a model that keeps producing them has
     * diverged, and stopping early keeps the run's time and the last finite parameters.
     */
    public static final int DEFAULT_MAX_BAD_STEPS = 3;

    private static final Set<String> SCALAR_KEYS = Set.of("engine", "scorer", "gate", "controller", "energy",
            "energyCompare", "meter", "targetRate", "initialThreshold", "minActive", "splits", "seed", "reseedEvery", "maxBadSteps", "selection",
            "exploration", "rescale", "warmupEpochs", "annealEpochs", "targetStart", "staleness", "policy",
            "backwardBatch", "scoreEvery", "scoreDownsample");

    /** The kinds of settings, as in {@code ast.<kind>.<key>}. */
    static final List<String> SETTING_KINDS = List.of("scorer", "gate", "controller", "energy", "meter", "policy");

    /**
     * Validates every value; the message names the bad value and what is allowed.
     *
     * @param engine the DJL engine the model must run on, or empty (or null) for the default engine
     * @param scorer scorer name
     * @param gate gate name
     * @param controller controller name
     * @param energyModel energy model name, the one the epoch line's saving comes from
     * @param energyCompare further energy models priced side by side, or null for none
     * @param meter energy meter: "auto", "none" or a meter name
     * @param targetRate fraction of samples to train on, in (0, 1]
     * @param initialThreshold gate threshold before the first batch, finite
     * @param minActive fallback size, >= 1
     * @param splits shares the selected samples are split into for forward and backward, >= 0 (0: one per device)
     * @param seed random seed for the engine, the sampler and the fallback
     * @param reseedEvery batches between restarts of the random generators within an epoch, >= 1; 0 for never
     * @param maxBadSteps steps in a row that may go unapplied for non-finite losses or gradients, >= 1
     * @param selection fresh, history or stale scores, exploration, rescaling, warm-up and annealing
     * @param policy selection policy name
     * @param backwardBatch rows of a pooled step, >= 0 (0: one step per batch)
     * @param scoring how often and at what resolution batches are scored afresh; null for every batch at full
     *     resolution; anything else needs fresh or stale selection (a history-only run has no scoring forward)
     * @param scorerSettings the scorer's settings (keys without prefix), or null for none
     * @param gateSettings the gate's settings, or null for none
     * @param controllerSettings the controller's settings, or null for none
     * @param energySettings the energy models' settings, or null for none
     * @param meterSettings the meter's settings, or null for none
     * @param policySettings the policy's settings, or null for none
     */
    public AstConfig {
        engine = engine == null ? "" : engine.trim();
        scorer = requireName("scorer", scorer);
        gate = requireName("gate", gate);
        controller = requireName("controller", controller);
        energyModel = requireName("energy", energyModel);
        energyCompare = energyCompare == null ? List.of()
                : energyCompare.stream().map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
        meter = requireName("meter", meter);
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new ConfigurationException("ast.targetRate=" + targetRate + " is invalid; it must be in (0, 1]");
        }
        if (!Double.isFinite(initialThreshold)) {
            throw new ConfigurationException("ast.initialThreshold=" + initialThreshold + " must be finite");
        }
        if (selection == null) {
            throw new ConfigurationException("selection must not be null");
        }
        if (minActive < 1) {
            throw new ConfigurationException("ast.minActive=" + minActive + " must be >= 1");
        }
        if (splits < 0) {
            throw new ConfigurationException("ast.splits=" + splits + " must be >= 0 (0: one share per device)");
        }
        policy = requireName("policy", policy);
        if (backwardBatch < 0) {
            throw new ConfigurationException("ast.backwardBatch=" + backwardBatch + " is invalid; it must be >= 0 "
                    + "(0: one step per batch; n: pooled steps of n rows)");
        }
        if (reseedEvery < 0) {
            throw new ConfigurationException("ast.reseedEvery=" + reseedEvery + " must be >= 0 (batches between "
                    + "restarts of the random generators within an epoch; 0 for never)");
        }
        if (maxBadSteps < 1) {
            throw new ConfigurationException("ast.maxBadSteps=" + maxBadSteps + " must be >= 1 (steps in a row with "
                    + "non-finite losses or gradients before training stops)");
        }
        scoring = scoring == null ? ScoringPass.EVERY_BATCH : scoring;
        if (!scoring.equals(ScoringPass.EVERY_BATCH) && selection.mode() == SelectionConfig.Mode.HISTORY) {
            String key = scoring.every() != 1 ? "ast.scoreEvery=" + scoring.every()
                    : "ast.scoreDownsample=" + scoring.downsample();
            throw new ConfigurationException(key + " shapes a scoring forward, which ast.selection=history never "
                    + "runs; use ast.selection=fresh or stale, or leave it at 1");
        }
        if (scoring.needsHistory() && backwardBatch > 0) {
            throw new ConfigurationException("ast.scoreEvery=" + scoring.every() + " cannot be combined with "
                    + "ast.backwardBatch=" + backwardBatch + ": a pooled step would mix rows of scored and unscored "
                    + "batches; use ast.backwardBatch=0 (a step per batch) or ast.scoreEvery=1");
        }
        scorerSettings = copy(scorerSettings);
        gateSettings = copy(gateSettings);
        controllerSettings = copy(controllerSettings);
        energySettings = copy(energySettings);
        meterSettings = copy(meterSettings);
        policySettings = copy(policySettings);
    }

    /**
     * Returns the reference configuration: loss-intensity scorer, threshold gate, PI controller, forward-backward
     * energy model compared with the unit-cost and FLOP models, automatic meter, target 10%, threshold 0.5,
     * fallback 2 samples, seed 42, default engine.
     *
     * @return the defaults
     */
    public static AstConfig defaults() {
        return builder().build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from this configuration} */
    public Builder toBuilder() {
        Builder b = new Builder().engine(engine).scorer(scorer).gate(gate).controller(controller)
                .energyModel(energyModel).energyCompare(energyCompare).meter(meter).targetRate(targetRate).initialThreshold(initialThreshold)
                .minActive(minActive).splits(splits).seed(seed).reseedEvery(reseedEvery).maxBadSteps(maxBadSteps)
                .selection(selection).policy(policy).backwardBatch(backwardBatch).scoring(scoring);
        scorerSettings.forEach((k, v) -> b.setting("scorer." + k, v));
        gateSettings.forEach((k, v) -> b.setting("gate." + k, v));
        controllerSettings.forEach((k, v) -> b.setting("controller." + k, v));
        energySettings.forEach((k, v) -> b.setting("energy." + k, v));
        meterSettings.forEach((k, v) -> b.setting("meter." + k, v));
        policySettings.forEach((k, v) -> b.setting("policy." + k, v));
        return b;
    }

    /**
     * Reads a configuration from properties named {@code ast.*} (other properties are ignored), on top of the
     * defaults. Plugin settings are {@code ast.<kind>.<key>}, for example {@code ast.controller.kp=0.002}.
     *
     * @param properties the properties, for example {@link System#getProperties()}
     * @return the configuration
     * @throws ConfigurationException on an unknown {@code ast.} key or an invalid value
     */
    public static AstConfig fromProperties(Properties properties) {
        Builder b = builder();
        for (String name : new TreeMap<>(toMap(properties)).keySet()) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String key = name.substring(PREFIX.length());
            String value = properties.getProperty(name).trim();
            int dot = key.indexOf('.');
            if (dot > 0) {
                b.setting(key, value);
                continue;
            }
            switch (key) {
                case "engine" -> b.engine(value);
                case "scorer" -> b.scorer(value);
                case "gate" -> b.gate(value);
                case "controller" -> b.controller(value);
                case "energy" -> b.energyModel(value);
                case "energyCompare" -> b.energyCompare(List.of(value.split(",")));
                case "meter" -> b.meter(value);
                case "targetRate" -> b.targetRate(parseDouble(name, value));
                case "initialThreshold" -> b.initialThreshold(parseDouble(name, value));
                case "minActive" -> b.minActive(parseInt(name, value));
                case "splits" -> b.splits(parseInt(name, value));
                case "seed" -> b.seed(parseLong(name, value));
                case "reseedEvery" -> b.reseedEvery(parseInt(name, value));
                case "maxBadSteps" -> b.maxBadSteps(parseInt(name, value));
                case "selection" -> b.selection(b.selection.withMode(SelectionConfig.Mode.of(value)));
                case "exploration" -> b.selection(b.selection.withExploration(parseDouble(name, value)));
                case "rescale" -> b.selection(b.selection.withRescale(parseBoolean(name, value)));
                case "warmupEpochs" -> b.selection(b.selection.withWarmup(parseInt(name, value)));
                case "annealEpochs" -> b.selection(b.selection.withAnneal(parseInt(name, value)));
                case "targetStart" -> b.selection(b.selection.withTargetStart(parseDouble(name, value)));
                case "staleness" -> b.selection(b.selection.withStaleness(parseInt(name, value)));
                case "policy" -> b.policy(value);
                case "backwardBatch" -> b.backwardBatch(parseInt(name, value));
                case "scoreEvery" -> b.scoreEvery = parseInt(name, value);
                case "scoreDownsample" -> b.scoreDownsample = parseInt(name, value);
                default -> throw new ConfigurationException(
                        "Unknown property " + name + "; known: " + new java.util.TreeSet<>(SCALAR_KEYS)
                                + " and ast.<scorer|gate|controller|energy|meter|policy>.<setting>");
            }
        }
        return b.build();
    }

    /**
     * Returns this configuration as {@code ast.*} properties, the inverse of {@link #fromProperties(Properties)}.
     *
     * @return the properties in key order
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ast.engine", engine);
        p.put("ast.scorer", scorer);
        p.put("ast.gate", gate);
        p.put("ast.controller", controller);
        p.put("ast.energy", energyModel);
        p.put("ast.energyCompare", String.join(",", energyCompare));
        p.put("ast.meter", meter);
        p.put("ast.targetRate", Double.toString(targetRate));
        p.put("ast.initialThreshold", Double.toString(initialThreshold));
        p.put("ast.minActive", Integer.toString(minActive));
        p.put("ast.splits", Integer.toString(splits));
        p.put("ast.seed", Long.toString(seed));
        p.put("ast.reseedEvery", Integer.toString(reseedEvery));
        p.put("ast.selection", selection.mode().label());
        p.put("ast.exploration", Double.toString(selection.exploration()));
        p.put("ast.rescale", Boolean.toString(selection.rescale()));
        p.put("ast.warmupEpochs", Integer.toString(selection.warmupEpochs()));
        p.put("ast.annealEpochs", Integer.toString(selection.annealEpochs()));
        if (!Double.isNaN(selection.targetStart())) {
            p.put("ast.targetStart", Double.toString(selection.targetStart()));
        }
        // Keys added after checkpoints existed appear only when set away from their default, so that checkpoints
        // of the reference configuration written before them still resume.
        if (selection.mode() == SelectionConfig.Mode.STALE) {
            p.put("ast.staleness", Integer.toString(selection.staleness()));
        }
        if (!policy.equals(DEFAULT_POLICY)) {
            p.put("ast.policy", policy);
        }
        if (backwardBatch != 0) {
            p.put("ast.backwardBatch", Integer.toString(backwardBatch));
        }
        if (scoring.every() != 1) {
            p.put("ast.scoreEvery", Integer.toString(scoring.every()));
        }
        if (scoring.downsample() != 1) {
            p.put("ast.scoreDownsample", Integer.toString(scoring.downsample()));
        }
        if (maxBadSteps != DEFAULT_MAX_BAD_STEPS) {
            p.put("ast.maxBadSteps", Integer.toString(maxBadSteps));
        }
        scorerSettings.forEach((k, v) -> p.put("ast.scorer." + k, v));
        gateSettings.forEach((k, v) -> p.put("ast.gate." + k, v));
        controllerSettings.forEach((k, v) -> p.put("ast.controller." + k, v));
        energySettings.forEach((k, v) -> p.put("ast.energy." + k, v));
        meterSettings.forEach((k, v) -> p.put("ast.meter." + k, v));
        policySettings.forEach((k, v) -> p.put("ast.policy." + k, v));
        return p;
    }

    /**
     * Returns the run-wide values every plugin receives in its context.
     *
     * @return engine and scorer names, target rate and schedule start, initial threshold, fallback size, exploration,
     *     rescaling, pooled step size and seed
     */
    public RunValues runValues() {
        return new RunValues(engine, scorer, targetRate, selection.targetStart(), initialThreshold, minActive,
                selection.exploration(), selection.rescale(), backwardBatch, seed);
    }

    /**
     * Returns the context a plugin factory receives.
     *
     * @param kind "scorer", "gate", "controller", "energy", "meter" or "policy"
     * @param services objects supplied in code, by type
     * @return run-wide values ({@link #runValues()}) plus that plugin's settings
     */
    public PluginContext contextFor(String kind, Map<Class<?>, Object> services) {
        Map<String, String> settings = switch (kind) {
            case "scorer" -> scorerSettings;
            case "gate" -> gateSettings;
            case "controller" -> controllerSettings;
            case "energy" -> energySettings;
            case "meter" -> meterSettings;
            case "policy" -> policySettings;
            default -> throw new IllegalArgumentException("kind='" + kind + "' is not one of " + SETTING_KINDS);
        };
        return new PluginContext(runValues(), Settings.of(PREFIX + kind + ".", settings), services);
    }

    private static String requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("ast." + what + " must name a " + what + ", got '" + name + "'");
        }
        return name.trim();
    }

    private static Map<String, String> copy(Map<String, String> map) {
        return map == null ? Map.of() : Map.copyOf(new TreeMap<>(map));
    }

    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(n -> map.put(n, properties.getProperty(n)));
        return map;
    }

    private static double parseDouble(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "='" + value + "' is not a number");
        }
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "='" + value + "' is not an integer");
        }
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(name + "='" + value + "' is not true or false");
        };
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "='" + value + "' is not an integer");
        }
    }

    /** Mutable builder of {@link AstConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String engine = "";
        private String scorer = "loss-intensity";
        private String gate = "threshold";
        private String controller = "pi";
        private String energyModel = "forward-backward";
        private List<String> energyCompare = List.of("unit", "flops");
        private String meter = "auto";
        private double targetRate = 0.10;
        private double initialThreshold = 0.50;
        private int minActive = 2;
        private int splits;
        private long seed = 42;
        private int reseedEvery = DEFAULT_RESEED_EVERY;
        private int maxBadSteps = DEFAULT_MAX_BAD_STEPS;
        private String policy = DEFAULT_POLICY;
        private int backwardBatch;
        private int scoreEvery = 1;
        private int scoreDownsample = 1;
        private PendingSelection selection = new PendingSelection(SelectionConfig.Mode.FRESH, 0, false, 0, 0,
                Double.NaN, SelectionConfig.DEFAULT_STALENESS);
        private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();

        private Builder() {
            for (String kind : SETTING_KINDS) {
                settings.put(kind, new TreeMap<>());
            }
        }

        /**
         * Sets the engine name, empty for DJL's default.
         *
         * @param value the engine name, for example "PyTorch" or "MXNet", or empty
         * @return this builder
         */
        public Builder engine(String value) {
            engine = value;
            return this;
        }

        /**
         * Sets the scorer name.
         *
         * @param value the scorer's registered name
         * @return this builder
         */
        public Builder scorer(String value) {
            scorer = value;
            return this;
        }

        /**
         * Sets the gate name.
         *
         * @param value the gate's registered name
         * @return this builder
         */
        public Builder gate(String value) {
            gate = value;
            return this;
        }

        /**
         * Sets the controller name.
         *
         * @param value the controller's registered name
         * @return this builder
         */
        public Builder controller(String value) {
            controller = value;
            return this;
        }

        /**
         * Sets the energy model name.
         *
         * @param value the primary energy model's registered name
         * @return this builder
         */
        public Builder energyModel(String value) {
            energyModel = value;
            return this;
        }

        /**
         * Sets the energy models priced side by side with the primary one.
         *
         * @param value the comparison models' names
         * @return this builder
         */
        public Builder energyCompare(List<String> value) {
            energyCompare = value;
            return this;
        }

        /**
         * Sets the energy meter: "auto", "none" or a meter name.
         *
         * @param value "auto", "none" or a meter name
         * @return this builder
         */
        public Builder meter(String value) {
            meter = value;
            return this;
        }

        /**
         * Sets the target activation rate.
         *
         * @param value the fraction of samples to train on, in (0, 1]
         * @return this builder
         */
        public Builder targetRate(double value) {
            targetRate = value;
            return this;
        }

        /**
         * Sets the initial threshold.
         *
         * @param value the gate threshold before the first batch, finite
         * @return this builder
         */
        public Builder initialThreshold(double value) {
            initialThreshold = value;
            return this;
        }

        /**
         * Sets the fallback size.
         *
         * @param value the number of random samples trained when fewer activate, >= 1
         * @return this builder
         */
        public Builder minActive(int value) {
            minActive = value;
            return this;
        }

        /**
         * Sets the number of shares the selected samples are split into, 0 for one per device.
         *
         * @param value the number of shares, >= 0
         * @return this builder
         */
        public Builder splits(int value) {
            splits = value;
            return this;
        }

        /**
         * Sets the random seed.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * Sets the number of batches between restarts of the random generators within an epoch.
         *
         * @param value batches between restarts, >= 1; 0 never restarts them (no checkpoints then)
         * @return this builder
         */
        public Builder reseedEvery(int value) {
            reseedEvery = value;
            return this;
        }

        /**
         * Sets how many steps in a row may go unapplied for non-finite losses or gradients before training stops.
         *
         * @param value bad steps in a row, >= 1
         * @return this builder
         */
        public Builder maxBadSteps(int value) {
            maxBadSteps = value;
            return this;
        }

        /**
         * Sets the selection (fresh, history or stale, exploration, rescaling, warm-up, annealing).
         *
         * @param value the selection configuration
         * @return this builder
         */
        public Builder selection(SelectionConfig value) {
            selection = new PendingSelection(value.mode(), value.exploration(), value.rescale(), value.warmupEpochs(),
                    value.annealEpochs(), value.targetStart(), value.staleness());
            return this;
        }

        /**
         * Sets the selection policy's name.
         *
         * @param value the policy's registered name
         * @return this builder
         */
        public Builder policy(String value) {
            policy = value;
            return this;
        }

        /**
         * Sets the rows of a pooled step, 0 for one step per batch.
         *
         * @param value rows per pooled step, >= 0
         * @return this builder
         */
        public Builder backwardBatch(int value) {
            backwardBatch = value;
            return this;
        }

        /**
         * Sets how often and at what resolution batches get a fresh scoring forward.
         *
         * @param value every k-th batch, images pooled by d; {@link ScoringPass#EVERY_BATCH} by default
         * @return this builder
         */
        public Builder scoring(ScoringPass value) {
            java.util.Objects.requireNonNull(value, "scoring");
            scoreEvery = value.every();
            scoreDownsample = value.downsample();
            return this;
        }

        private Builder selection(PendingSelection value) {
            selection = value;
            return this;
        }

        /**
         * Sets one plugin setting.
         *
         * @param kindAndKey {@code <kind>.<key>}, kind one of scorer, gate, controller, energy, meter
         * @param value the value as text
         * @return this builder
         */
        public Builder setting(String kindAndKey, String value) {
            int dot = kindAndKey.indexOf('.');
            Map<String, String> target = dot > 0 ? settings.get(kindAndKey.substring(0, dot)) : null;
            if (target == null || dot == kindAndKey.length() - 1) {
                throw new ConfigurationException("Unknown setting " + PREFIX + kindAndKey
                        + "; plugin settings are ast.<scorer|gate|controller|energy|meter|policy>.<setting>");
            }
            target.put(kindAndKey.substring(dot + 1), value);
            return this;
        }

        /**
         * Validates and returns the configuration.
         *
         * @return the configuration
         */
        public AstConfig build() {
            return new AstConfig(engine, scorer, gate, controller, energyModel, energyCompare, meter, targetRate,
                    initialThreshold, minActive, splits, seed, reseedEvery, maxBadSteps, selection.build(), policy, backwardBatch,
                    new ScoringPass(scoreEvery, scoreDownsample), settings.get("scorer"), settings.get("gate"), settings.get("controller"), settings.get("energy"),
                    settings.get("meter"), settings.get("policy"));
        }
    }

    /** Selection values collected one property at a time, validated together when the configuration is built. */
    private record PendingSelection(SelectionConfig.Mode mode, double exploration, boolean rescale, int warmup,
            int anneal, double targetStart, int staleness) {
        PendingSelection withMode(SelectionConfig.Mode value) {
            return new PendingSelection(value, exploration, rescale, warmup, anneal, targetStart, staleness);
        }

        PendingSelection withExploration(double value) {
            return new PendingSelection(mode, value, rescale, warmup, anneal, targetStart, staleness);
        }

        PendingSelection withRescale(boolean value) {
            return new PendingSelection(mode, exploration, value, warmup, anneal, targetStart, staleness);
        }

        PendingSelection withWarmup(int value) {
            return new PendingSelection(mode, exploration, rescale, value, anneal, targetStart, staleness);
        }

        PendingSelection withAnneal(int value) {
            return new PendingSelection(mode, exploration, rescale, warmup, value, targetStart, staleness);
        }

        PendingSelection withTargetStart(double value) {
            return new PendingSelection(mode, exploration, rescale, warmup, anneal, value, staleness);
        }

        PendingSelection withStaleness(int value) {
            return new PendingSelection(mode, exploration, rescale, warmup, anneal, targetStart, value);
        }

        SelectionConfig build() {
            return new SelectionConfig(mode, exploration, rescale, warmup, anneal, targetStart, staleness);
        }
    }
}
