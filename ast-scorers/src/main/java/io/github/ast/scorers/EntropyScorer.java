package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance = predictive entropy divided by its maximum, log(classes), in [0, 1].
 *
 * <p>Label-free uncertainty, as in active learning: high where the model spreads its belief over many classes.
 */
public final class EntropyScorer implements Scorer {

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray logits = batch.predictions().toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        long classes = logits.getShape().get(1);
        NDArray logP = logits.logSoftmax(1);
        NDArray entropy = logP.exp().mul(logP).sum(new int[] {1}).neg();
        if (classes < 2) {
            return entropy.mul(0f);
        }
        return entropy.div((float) Math.log(classes)).clip(0f, 1f);
    }

    /** Creates {@link EntropyScorer} under the name {@code entropy}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "entropy";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new EntropyScorer();
        }
    }
}
