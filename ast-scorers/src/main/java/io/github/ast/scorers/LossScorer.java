package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance = the sample's loss relative to the batch mean, normalised to [0, 1].
 *
 * <p>The most direct signal of what the model has not learnt yet; the basis of most data-selection methods.
 */
public final class LossScorer implements Scorer {

    @Override
    public NDArray score(ScoringBatch batch) {
        return Normalisation.relativeToMean(batch.losses());
    }

    /** Creates {@link LossScorer} under the name {@code loss}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "loss";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new LossScorer();
        }
    }
}
