package io.github.ast.core;

import io.github.ast.api.BatchEnergy;

/**
 * One epoch's figures, as printed in the epoch line and recorded in the run report.
 *
 * @param epoch 1-based epoch number
 * @param epochs total epochs of the run
 * @param trainLoss mean per-sample loss over all scored samples (the scoring pass, before each step)
 * @param trainAccuracy accuracy over all scored samples in the scoring pass
 * @param validationLoss mean per-sample loss on the validation set, NaN without one
 * @param validationAccuracy accuracy on the validation set, NaN without one
 * @param activationRate samples trained / samples scored, fallback included
 * @param gateRate samples the gate activated / samples scored, what the controller sees
 * @param threshold the threshold at the end of the epoch
 * @param energy the epoch's energy against full-data training
 * @param batches batches seen
 * @param fallbackBatches batches where the random fallback trained instead of the gate's choice
 * @param skippedBatches batches skipped for empty input or non-finite losses
 * @param trainSeconds wall-clock seconds of the training loop (scoring included)
 * @param validationSeconds wall-clock seconds of validation
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double trainAccuracy, double validationLoss,
        double validationAccuracy, double activationRate, double gateRate, double threshold, BatchEnergy energy,
        int batches, int fallbackBatches, int skippedBatches, double trainSeconds, double validationSeconds) {

    /**
     * Formats the epoch line: loss, accuracy (validation when available, else training), activation, savings of
     * the configured energy model (scoring counted), threshold and time.
     *
     * @return for example {@code Epoch  1/40 | Loss: 1.72 | Acc: 36.5% | Act:  8.1% | Save: 56.3% | Thr: 0.731 | 12.0s}
     */
    public String line() {
        int width = Integer.toString(epochs).length();
        double accuracy = Double.isNaN(validationAccuracy) ? trainAccuracy : validationAccuracy;
        return String.format(java.util.Locale.ROOT,
                "Epoch %" + width + "d/%d | Loss: %.4f | Acc: %5.1f%% | Act: %5.1f%% | Save: %5.1f%% | Thr: %.3f | %.1fs",
                epoch, epochs, trainLoss, 100 * accuracy, 100 * activationRate, 100 * energy.savings(), threshold,
                trainSeconds);
    }
}
