package io.github.ast.djl.sampling;

import java.util.List;

/**
 * Per-sample training weights keyed by dataset index, as a sampler that chose the samples knows them: InfoBatch's
 * up-weighted survivors, or a selection made elsewhere (on a cluster). AST's {@code fit} reads them for each
 * batch and hands back the losses it computed, for samplers that learn from them.
 */
public interface SampleWeights {

    /**
     * Returns the weights of some samples in the current epoch.
     *
     * @param indices dataset indices, as DJL attaches them to a batch
     * @return one weight per index
     * @throws IllegalStateException if an index is not one this epoch yielded or no epoch was sampled yet
     */
    float[] weights(List<?> indices);

    /**
     * Receives the training losses of some samples; by default they are not kept.
     *
     * @param indices dataset indices
     * @param losses one loss per index
     * @return how many losses were not finite (and not kept)
     */
    default int record(List<?> indices, float[] losses) {
        return 0;
    }
}
