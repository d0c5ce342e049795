package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance = a uniform random number in [0, 1), from the run's generator, ignoring the model and the data.
 *
 * <p>The ablation every selection method needs: the same scoring pass, gate and controller with the information
 * removed, so that what a method gains over it is the selection's and not the mechanics'. Draws from the run's own
 * generator ({@link RunRandom}), re-seeded by the trainer.
 */
public final class RandomScorer implements Scorer {

    private final RunRandom random;

    /**
     * Creates the scorer.
     *
     * @param random where its draws come from: the run's ({@code PluginContext.random()})
     */
    public RandomScorer(RunRandom random) {
        this.random = random;
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        return random.uniform(batch.losses().getManager(), new Shape(batch.size()));
    }

    /** Creates {@link RandomScorer} under the name {@code random}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new RandomScorer(context.random());
        }
    }
}
