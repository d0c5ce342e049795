package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance = the per-sample standard deviation of the input relative to the batch mean, normalised to [0, 1].
 *
 * <p>A model-free proxy for how much content a sample carries (a blank image carries little); on its own a weak
 * signal, useful as a minority term next to the loss.
 */
public final class IntensityScorer implements Scorer {

    @Override
    public NDArray score(ScoringBatch batch) {
        return Normalisation.relativeToMean(standardDeviation(batch.data().head()));
    }

    /**
     * Computes the standard deviation of every sample's values.
     *
     * @param input an array whose first dimension is the batch
     * @return shape (batch), float32
     */
    static NDArray standardDeviation(NDArray input) {
        NDArray x = input.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(input.getShape().get(0), -1);
        NDArray centred = x.sub(x.mean(new int[] {1}, true));
        return centred.square().mean(new int[] {1}).sqrt();
    }

    /** Creates {@link IntensityScorer} under the name {@code intensity}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "intensity";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new IntensityScorer();
        }
    }
}
