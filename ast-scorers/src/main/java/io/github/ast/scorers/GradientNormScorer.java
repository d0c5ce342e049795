package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance = an upper bound on each sample's gradient norm, normalised like the loss, in [0, 1].
 *
 * <p>For softmax cross-entropy the gradient with respect to the logits is {@code softmax - onehot}; the gradient of
 * the last layer's weights is its outer product with the penultimate activations, whose norm is
 * {@code |softmax - onehot| * |activations|} (Katharopoulos and Fleuret, 2018). Computed for the whole batch from
 * one forward pass, with no per-sample backward. When the model outputs only logits, the activation factor is
 * left out, which ranks samples exactly only if their activations have equal norms; models that can should output
 * {@code (logits, penultimate)}.
 */
public final class GradientNormScorer implements Scorer {

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray p = Probabilities.softmax(batch.predictions());
        NDArray logitGradient = p.sub(Probabilities.oneHot(batch.labels().head(), p)).norm(new int[] {1});
        NDArray bound = batch.features()
                .map(f -> logitGradient.mul(f.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .reshape(f.getShape().get(0), -1).norm(new int[] {1})))
                .orElse(logitGradient);
        return Normalisation.relativeToMean(bound);
    }

    /** Creates {@link GradientNormScorer} under the name {@code gradnorm}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "gradnorm";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new GradientNormScorer();
        }
    }
}
