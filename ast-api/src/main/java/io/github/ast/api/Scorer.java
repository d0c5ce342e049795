package io.github.ast.api;

import ai.djl.ndarray.NDArray;

/**
 * Measures how much each sample of a batch still teaches the model.
 *
 * <p>A scorer sees the whole batch after a gradient-free forward pass and returns one significance value per sample,
 * computed on the engine (no per-sample Java loop), so that selection stays cheap and device-resident on GPUs. The
 * gate compares these values with the controller's threshold, so a scorer documents the range it returns; the
 * built-in scorers return values in [0, 1].
 */
public interface Scorer {

    /**
     * Scores every sample of the batch.
     *
     * @param batch the batch with its predictions and per-sample losses
     * @return a finite float32 array of shape (batchSize), attached to the batch's manager
     */
    NDArray score(ScoringBatch batch);
}
