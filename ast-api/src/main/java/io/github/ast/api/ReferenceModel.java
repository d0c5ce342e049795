package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A small model trained beforehand on held-out data, whose per-sample loss estimates how much of a sample's loss
 * cannot be learnt (noise, ambiguity). Used by reducible-loss selection (RHO-LOSS): train on what is learnable and
 * not yet learnt. Supplied in code, since a model is not configuration.
 */
@FunctionalInterface
public interface ReferenceModel {

    /**
     * Computes the reference model's per-sample losses on a batch, on the engine.
     *
     * @param data the batch's inputs
     * @param labels the batch's labels
     * @return float32 array of shape (batch)
     */
    NDArray perSampleLoss(NDList data, NDList labels);
}
