package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import java.util.List;
import java.util.Map;

/**
 * Everything a run produced and everything needed to reproduce it.
 *
 * @param config the full configuration
 * @param provenance the software versions
 * @param energyUnits unit of each energy model's figures, by model name, the primary first
 * @param meter description of the energy meter, or "none"
 * @param meterIsEstimate whether the meter's figures are an estimate rather than a measurement
 * @param epochs per-epoch figures, in order
 * @param decisions what a policy that decides as it goes ({@code auto}) decided, one line each, in order; empty for
 *     the others
 */
public record RunReport(AstConfig config, Provenance provenance, Map<String, String> energyUnits, String meter,
        boolean meterIsEstimate, List<EpochStats> epochs, List<String> decisions) {

    /**
     * Copies the collections.
     *
     * @param config the full configuration
     * @param provenance the software versions
     * @param energyUnits unit of each energy model's figures, by model name, the primary first; copied
     * @param meter description of the energy meter, or "none"
     * @param meterIsEstimate whether the meter's figures are an estimate rather than a measurement
     * @param epochs per-epoch figures, in order; copied
     * @param decisions a deciding policy's decisions, in order; copied
     */
    public RunReport {
        energyUnits = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(energyUnits));
        epochs = List.copyOf(epochs);
        decisions = List.copyOf(decisions);
    }

    /** {@return the primary energy model's figures summed over all epochs} */
    public BatchEnergy totalEnergy() {
        return epochs.stream().map(EpochStats::energy).reduce(BatchEnergy.ZERO, BatchEnergy::plus);
    }

    /** {@return every energy model's figures summed over all epochs} */
    public Map<String, BatchEnergy> totalEnergies() {
        Map<String, BatchEnergy> total = new java.util.LinkedHashMap<>();
        epochs.forEach(e -> total.putAll(EnergyAccount.sum(total, e.energies())));
        return total;
    }

    /** {@return the joules the meter read over all training loops, NaN without a meter} */
    public double totalJoules() {
        return epochs.stream().mapToDouble(EpochStats::measuredJoules).sum();
    }

    /** {@return the primary energy model's unit} */
    public String energyUnit() {
        return energyUnits.get(config.plugins().energyModel());
    }

    /**
     * {@return the last epoch's figures}
     *
     * @throws IllegalStateException if the run has no epochs
     */
    public EpochStats last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("the run has no epochs");
        }
        return epochs.get(epochs.size() - 1);
    }
}
