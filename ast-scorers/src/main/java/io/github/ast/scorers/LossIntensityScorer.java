package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import io.github.ast.api.spi.Settings;
import java.util.Set;

/**
 * The reference significance: {@code w_loss * loss_norm + w_intensity * intensity_norm} (0.7 and 0.3 by default).
 *
 * <p>Weights are divided by their sum so that the score stays in [0, 1] whatever the user configures, which keeps
 * the controller's threshold bounds valid.
 */
public final class LossIntensityScorer implements Scorer {

    private final Weights weights;

    /**
     * Creates the scorer.
     *
     * @param weights the weights of the two terms
     */
    public LossIntensityScorer(Weights weights) {
        this.weights = weights;
    }

    /** {@return the configured weights} */
    public Weights weights() {
        return weights;
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        double total = weights.loss() + weights.intensity();
        NDArray loss = Normalisation.relativeToMean(batch.losses()).mul((float) (weights.loss() / total));
        NDArray intensity = Normalisation.relativeToMean(IntensityScorer.standardDeviation(batch.data().head()))
                .mul((float) (weights.intensity() / total));
        return loss.add(intensity);
    }

    /**
     * The weights of the loss and intensity terms.
     *
     * @param loss weight of the normalised loss, finite and non-negative
     * @param intensity weight of the normalised intensity, finite and non-negative
     */
    public record Weights(double loss, double intensity) {

        /** The reference weights, 0.7 and 0.3. */
        public static final Weights DEFAULT = new Weights(0.7, 0.3);

        /**
         * Validates the weights.
         *
         * @param loss weight of the normalised loss, finite and non-negative
         * @param intensity weight of the normalised intensity, finite and non-negative; the two must not both be 0
         */
        public Weights {
            if (!(loss >= 0) || !(intensity >= 0) || Double.isInfinite(loss) || Double.isInfinite(intensity)) {
                throw new ConfigurationException("scorer weights must be finite and >= 0, got lossWeight=" + loss
                        + ", intensityWeight=" + intensity);
            }
            if (loss + intensity == 0) {
                throw new ConfigurationException("lossWeight and intensityWeight are both 0; at least one must be > 0");
            }
        }
    }

    /** Creates {@link LossIntensityScorer} under the name {@code loss-intensity}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "loss-intensity";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("lossWeight", "intensityWeight");
        }

        @Override
        public Scorer create(PluginContext context) {
            Settings s = context.settings();
            return new LossIntensityScorer(new Weights(s.getDouble("lossWeight", Weights.DEFAULT.loss()),
                    s.getDouble("intensityWeight", Weights.DEFAULT.intensity())));
        }
    }
}
