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
 * @param evaluated samples whose loss and correctness this step computed: the whole batch with a scoring pass,
 *     the trained rows otherwise (history selection, warm-up, annealing)
 * @param lossSum sum of those samples' per-sample losses
 * @param correct those samples whose arg-max prediction equals the label
 * @param threshold the threshold after the controller's update
 * @param energies the batch's energy by model name, the primary model first (empty if skipped)
 * @param forwarded rows forward-propagated while this batch was trained: the scoring pass's and the training
 *     forwards' (with pooled steps, those of the steps this batch completed)
 * @param backPropagated rows back-propagated while this batch was trained (pooled: the steps it completed, which
 *     may hold rows of earlier batches; 0 while its rows wait in the queue)
 * @param maxWeight the largest loss weight a row selected here can carry, 1 without weights
 * @param scored whether the batch had a scoring pass (false for stale scores, warm-up and annealing, and
 *     selections a policy made without scores)
 */
public record BatchResult(int batchSize, int gateActive, int trained, boolean fallback, boolean skipped,
        int evaluated, double lossSum, long correct, double threshold, Map<String, BatchEnergy> energies,
        int forwarded, int backPropagated, double maxWeight, boolean scored) {

    /**
     * Returns the result of a skipped step: nothing trained, nothing spent.
     *
     * @param batchSize samples in the batch
     * @param threshold the unchanged threshold
     * @return the result
     */
    public static BatchResult skipped(int batchSize, double threshold) {
        return new BatchResult(batchSize, 0, 0, false, true, 0, 0, 0, threshold, Map.of(), 0, 0, 1, false);
    }

    /**
     * Copies the energies.
     *
     * @param batchSize samples in the batch
     * @param gateActive samples the gate activated
     * @param trained samples that were trained on
     * @param fallback whether the random fallback replaced the gate's choice
     * @param skipped whether the step was skipped
     * @param evaluated samples whose loss and correctness this step computed
     * @param lossSum sum of those samples' per-sample losses
     * @param correct those samples whose arg-max prediction equals the label
     * @param threshold the threshold after the controller's update
     * @param energies the batch's energy by model name, the primary model first; copied
     * @param forwarded rows forward-propagated while this batch was trained
     * @param backPropagated rows back-propagated while this batch was trained
     * @param maxWeight the largest loss weight a row selected here can carry, 1 without weights
     * @param scored whether the batch had a scoring pass
     */
    public BatchResult {
        energies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(energies));
    }

    /** {@return the primary energy model's figure, zero if the batch was skipped} */
    public BatchEnergy energy() {
        return energies.isEmpty() ? BatchEnergy.ZERO : energies.values().iterator().next();
    }
}
