package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import java.util.Locale;
import java.util.Map;

/**
 * One epoch's figures, as printed in the epoch line and recorded in the run report.
 *
 * @param epoch 1-based epoch number
 * @param epochs total epochs of the run
 * @param phase warm-up, sparse or anneal
 * @param trainLoss mean per-sample loss before each step, over the scoring pass's samples (or, without one, over
 *     the trained samples)
 * @param trainAccuracy accuracy over the same samples
 * @param validationLoss mean per-sample loss on the validation set, NaN without one
 * @param validationAccuracy accuracy on the validation set, NaN without one
 * @param activationRate samples trained / samples scored, fallback included
 * @param gateRate samples the gate activated / samples scored, what the controller sees
 * @param targetRate the target the controller held in this epoch
 * @param threshold the threshold at the end of the epoch
 * @param energies the epoch's energy by model name against full-data training, the primary model first
 * @param measuredJoules joules the energy meter read over the training loop, NaN without a meter
 * @param batches batches seen
 * @param fallbackBatches batches where the random fallback trained instead of the gate's choice
 * @param skippedBatches batches skipped for empty input or non-finite losses
 * @param trainSeconds wall-clock seconds of the training loop (scoring included)
 * @param validationSeconds wall-clock seconds of validation
 * @param samples the epoch's samples (of batches not skipped)
 * @param forwarded rows forward-propagated in the epoch: scoring passes and training forwards
 * @param backPropagated rows back-propagated in the epoch
 * @param maxWeight the largest loss weight a trained row could carry (1 without weights)
 * @param scoredBatches batches that had a scoring pass: all of them for the published system, none with stale
 *     scores, some for a policy that scores only while scoring pays
 * @param nonFiniteValidationRows validation rows left out of the validation figures because their inputs were NaN
 *     or infinite
 * @param modes how a policy that switches between ways of training trained the epoch's batches (e.g. "all 75%,
 *     prune@0.3 25%"), empty for the others
 */
public record EpochStats(int epoch, int epochs, SelectionConfig.Phase phase, double trainLoss, double trainAccuracy, double validationLoss,
        double validationAccuracy, double activationRate, double gateRate, double targetRate, double threshold,
        Map<String, BatchEnergy> energies, double measuredJoules, int batches, int fallbackBatches,
        int skippedBatches, double trainSeconds, double validationSeconds, long samples, long forwarded,
        long backPropagated, double maxWeight, int scoredBatches, long nonFiniteValidationRows, String modes) {

    /**
     * Copies the energies.
     *
     * @param epoch 1-based epoch number
     * @param epochs total epochs of the run
     * @param phase warm-up, sparse or anneal
     * @param trainLoss mean per-sample loss before each step, over the scoring pass's (or the trained) samples
     * @param trainAccuracy accuracy over the same samples
     * @param validationLoss mean per-sample loss on the validation set, NaN without one
     * @param validationAccuracy accuracy on the validation set, NaN without one
     * @param activationRate samples trained / samples scored, fallback included
     * @param gateRate samples the gate activated / samples scored
     * @param targetRate the target the controller held in this epoch
     * @param threshold the threshold at the end of the epoch
     * @param energies the epoch's energy by model name, the primary model first; copied
     * @param measuredJoules joules the energy meter read over the training loop, NaN without a meter
     * @param batches batches seen
     * @param fallbackBatches batches where the random fallback trained instead of the gate's choice
     * @param skippedBatches batches skipped for empty input or non-finite losses
     * @param trainSeconds wall-clock seconds of the training loop (scoring included)
     * @param validationSeconds wall-clock seconds of validation
     * @param samples the epoch's samples (of batches not skipped)
     * @param forwarded rows forward-propagated in the epoch
     * @param backPropagated rows back-propagated in the epoch
     * @param maxWeight the largest loss weight a trained row could carry (1 without weights)
     * @param scoredBatches batches that had a scoring pass
     * @param nonFiniteValidationRows validation rows left out because their inputs were NaN or infinite
     * @param modes how a switching policy trained the epoch's batches, empty for the others (null is read as empty)
     */
    public EpochStats {
        modes = modes == null ? "" : modes;
        energies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(energies));
    }

    /** {@return the primary energy model's figure} */
    public BatchEnergy energy() {
        return energies.isEmpty() ? BatchEnergy.ZERO : energies.values().iterator().next();
    }

    /** Formats a figure, or "-" when it was not measured (NaN: nothing to average), padded to the same width. */
    private static String figure(String format, double value) {
        if (!Double.isNaN(value)) {
            return String.format(Locale.ROOT, format, value);
        }
        String width = format.replaceAll("^%(\\d*).*", "$1");
        return width.isEmpty() ? "-" : String.format(Locale.ROOT, "%" + width + "s", "-");
    }

    /**
     * Formats the epoch line: loss, accuracy (validation when available, else training), activation, the primary
     * model's saving (scoring counted), threshold and time, with "-" for a figure not measured (a training loss
     * when no row was evaluated, a threshold for a policy without one), the rows forwarded and
     * back-propagated per sample of the epoch, the share of batches scored when some were not (a policy's pay-off
     * switch), the largest loss weight when rows are weighted, then the comparison
     * models' savings and the meter.
     *
     * @return for example {@code Epoch  1/40 | Loss: 1.72 | Acc: 36.5% | Act:  8.1% | Save: 56.3% | Thr: 0.731 |
     *     12.0s | Fwd: 108% | Bwd:   8% | unit 91.0% | flops 56.2% | 310 J}
     */
    public String line() {
        int width = Integer.toString(epochs).length();
        double accuracy = Double.isNaN(validationAccuracy) ? trainAccuracy : validationAccuracy;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "Epoch %" + width + "d/%d | Loss: %s | Acc: %s | Act: %s | Save: %s | Thr: %s | %.1fs", epoch, epochs,
                figure("%.4f", trainLoss), figure("%5.1f%%", 100 * accuracy), figure("%5.1f%%", 100 * activationRate),
                figure("%5.1f%%", 100 * energy().savings()), figure("%.3f", threshold), trainSeconds));
        line.append(String.format(Locale.ROOT, " | Fwd: %3.0f%% | Bwd: %3.0f%%", 100.0 * forwarded / Math.max(1, samples),
                100.0 * backPropagated / Math.max(1, samples)));
        int trainedBatches = batches - skippedBatches;
        if (phase == SelectionConfig.Phase.SPARSE && scoredBatches > 0 && scoredBatches < trainedBatches) {
            line.append(String.format(Locale.ROOT, " | Scored: %3.0f%%", 100.0 * scoredBatches / trainedBatches));
        }
        if (maxWeight > 1) {
            line.append(String.format(Locale.ROOT, " | Wmax: %.1f", maxWeight));
        }
        if (fallbackBatches > 0) {
            line.append(String.format(Locale.ROOT, " | Fallback: %d batches", fallbackBatches));
        }
        if (skippedBatches > 0) {
            line.append(String.format(Locale.ROOT, " | Skipped: %d batches", skippedBatches));
        }
        if (nonFiniteValidationRows > 0) {
            line.append(String.format(Locale.ROOT, " | Val. left out: %d non-finite rows", nonFiniteValidationRows));
        }
        energies.entrySet().stream().skip(1).forEach(e -> line.append(String.format(Locale.ROOT, " | %s %.1f%%",
                e.getKey(), 100 * e.getValue().savings())));
        if (!Double.isNaN(measuredJoules)) {
            line.append(String.format(Locale.ROOT, " | %.0f J", measuredJoules));
        }
        if (!modes.isEmpty()) {
            line.append(" | Mode: ").append(modes);
        }
        if (phase != SelectionConfig.Phase.SPARSE) {
            line.append(" | ").append(phase.name().toLowerCase(Locale.ROOT));
        }
        return line.toString();
    }
}
