package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import java.util.Map;

/**
 * What one sparse step did, for observers, tests and custom loops.
 *
 * @param batchSize samples in the batch
 * @param gateActive samples the gate activated
 * @param trained samples that were trained on (the gate's choice, or the random fallback)
 * @param fallback whether the random fallback replaced the gate's choice
 * @param skipped whether the step was skipped because the batch was empty or its losses were not finite
 * @param lossSum sum of the per-sample losses of the scoring pass (NaN if skipped for non-finite losses)
 * @param correct samples whose arg-max prediction equals the label in the scoring pass
 * @param threshold the threshold after the controller's update
 * @param energies the batch's energy by model name, the primary model first (empty if skipped)
 */
public record BatchResult(int batchSize, int gateActive, int trained, boolean fallback, boolean skipped,
        double lossSum, long correct, double threshold, Map<String, BatchEnergy> energies) {

    /** Copies the energies. */
    public BatchResult {
        energies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(energies));
    }

    /** Returns the primary energy model's figure, zero if the batch was skipped. */
    public BatchEnergy energy() {
        return energies.isEmpty() ? BatchEnergy.ZERO : energies.values().iterator().next();
    }
}
