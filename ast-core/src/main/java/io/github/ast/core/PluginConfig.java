package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The engine and the plugins of a run, chosen by name, so that switching one is a configuration change; their own
 * settings are {@link AstConfig#settings()}. Each component's meaning and default is its {@link Option}.
 *
 * @param engine {@code ast.engine}
 * @param scorer {@code ast.scorer}
 * @param gate {@code ast.gate}
 * @param controller {@code ast.controller}
 * @param energyModel {@code ast.energy}
 * @param energyCompare {@code ast.energyCompare}, names separated by commas ({@link #comparedEnergyModels()})
 * @param meter {@code ast.meter}
 * @param policy {@code ast.policy}
 */
public record PluginConfig(
        @Option(description = "the DJL engine the model must run on (`PyTorch`, `MXNet`), empty for DJL's default; a "
                + "mismatch with the trainer is an error") String engine,
        @Option(description = "the scorer that rates each row, by name (the built-in ones are listed with their "
                + "settings under Scorers)") String scorer,
        @Option(description = "the gate that turns scores into a selection at the controller's threshold (under "
                + "Gates)") String gate,
        @Option(description = "the controller that moves the threshold towards the target rate (under Controllers)")
        String controller,
        @Option(key = "energy", description = "the energy model behind the epoch line's saving: `forward-backward`, "
                + "`flops` (counted from the network) or `unit` (the published formula)") String energyModel,
        @Option(description = "further energy models priced side by side in every epoch line and report, separated by "
                + "commas") String energyCompare,
        @Option(description = "measured energy: `auto` (RAPL, then NVML, then a CPU-time estimate), `rapl`, `nvml`, "
                + "`cpu-time` or `none`") String meter,
        @Option(description = "which rows train: `gated` (the published system: scorer, gate at the controller's "
                + "threshold, exploration, fallback), `selective-backprop`, `importance`, `rho-loss`, `auto`, `all` "
                + "(every row, no scoring pass), `uniform` (the random control) or your own") String policy) {

    /** The reference: loss-intensity scorer, threshold gate, PI controller, gated policy, DJL's default engine. */
    public static final PluginConfig DEFAULTS = new PluginConfig("", "loss-intensity", "threshold", "pi",
            "forward-backward", "unit,flops", "auto", "gated");

    /**
     * Trims the names and the comparison list (dropping empty and repeated names), and requires every plugin named.
     *
     * @param engine {@code ast.engine}, or null for the default engine
     * @param scorer {@code ast.scorer}
     * @param gate {@code ast.gate}
     * @param controller {@code ast.controller}
     * @param energyModel {@code ast.energy}
     * @param energyCompare {@code ast.energyCompare}, or null for none
     * @param meter {@code ast.meter}
     * @param policy {@code ast.policy}
     */
    public PluginConfig {
        engine = engine == null ? "" : engine.trim();
        energyCompare = energyCompare == null ? "" : Arrays.stream(energyCompare.split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).distinct().collect(Collectors.joining(","));
        scorer = named("scorer", scorer);
        gate = named("gate", gate);
        controller = named("controller", controller);
        energyModel = named("energy", energyModel);
        meter = named("meter", meter);
        policy = named("policy", policy);
    }

    /** {@return the energy models priced beside {@link #energyModel()}, in configured order} */
    public List<String> comparedEnergyModels() {
        return energyCompare.isEmpty() ? List.of() : List.of(energyCompare.split(","));
    }

    private static String named(String key, String name) {
        require(name != null && !name.isBlank(), key, name, "a " + key + "'s name");
        return name.trim();
    }
}
