package io.github.ast.core;

import io.github.ast.api.BatchEnergy;

/**
 * What one sparse step did, for listeners, tests and custom loops.
 *
 * @param batchSize samples in the batch
 * @param gateActive samples the gate activated
 * @param trained samples that were trained on (the gate's choice, or the random fallback)
 * @param fallback whether the random fallback replaced the gate's choice
 * @param skipped whether the step was skipped because the batch was empty or its losses were not finite
 * @param lossSum sum of the per-sample losses of the scoring pass (NaN if skipped for non-finite losses)
 * @param correct samples whose arg-max prediction equals the label in the scoring pass
 * @param threshold the threshold after the controller's update
 * @param energy the batch's energy against full-data training
 */
public record BatchResult(int batchSize, int gateActive, int trained, boolean fallback, boolean skipped,
        double lossSum, long correct, double threshold, BatchEnergy energy) {}
