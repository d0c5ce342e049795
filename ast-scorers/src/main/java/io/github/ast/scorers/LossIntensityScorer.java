package io.github.ast.scorers;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import io.github.ast.api.spi.Option;

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
        double total = weights.lossWeight() + weights.intensityWeight();
        NDArray loss = Normalisation.relativeToMean(batch.losses()).mul((float) (weights.lossWeight() / total));
        NDArray intensity = Normalisation.relativeToMean(IntensityScorer.standardDeviation(batch.data().head()))
                .mul((float) (weights.intensityWeight() / total));
        return loss.add(intensity);
    }

    /**
     * The weights of the loss and intensity terms, which are the scorer's settings.
     *
     * @param lossWeight weight of the normalised loss, finite and non-negative
     * @param intensityWeight weight of the normalised intensity, finite and non-negative
     */
    public record Weights(
            @Option(description = "weight of the normalised loss (weights are divided by their sum)")
            double lossWeight,
            @Option(description = "weight of the normalised input intensity") double intensityWeight) {

        /** The reference weights, 0.7 and 0.3. */
        public static final Weights DEFAULTS = new Weights(0.7, 0.3);

        /**
         * Validates the weights.
         *
         * @param lossWeight weight of the normalised loss, finite and non-negative
         * @param intensityWeight weight of the normalised intensity, finite and non-negative; the two must not both
         *     be 0
         */
        public Weights {
            require(Double.isFinite(lossWeight) && lossWeight >= 0, "lossWeight", lossWeight, "finite and >= 0");
            require(Double.isFinite(intensityWeight) && intensityWeight >= 0, "intensityWeight", intensityWeight,
                    "finite and >= 0");
            require(lossWeight + intensityWeight > 0, "intensityWeight", intensityWeight,
                    "> 0 when lossWeight is 0: with both 0 the score is undefined");
        }
    }

    /** Creates {@link LossIntensityScorer} under the name {@code loss-intensity}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "loss-intensity";
        }

        @Override
        public Class<Weights> optionsType() {
            return Weights.class;
        }

        @Override
        public Scorer create(PluginContext context) {
            return new LossIntensityScorer(context.options(Weights.class));
        }
    }
}
