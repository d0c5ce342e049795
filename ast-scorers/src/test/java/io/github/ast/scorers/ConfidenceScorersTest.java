package io.github.ast.scorers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.ReferenceModel;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Known answers for the scorers that read the model's outputs, on both engines. */
class ConfidenceScorersTest {

    private static final float LN3 = (float) Math.log(3);

    /** Two samples: logits (0, 0) with label 0, logits (ln 3, 0) with label 1: p = (.5, .5) and (.75, .25). */
    private static ScoringBatch twoSamples(NDManager m, NDArray... extraOutputs) {
        NDList outputs = new NDList(m.create(new float[][] {{0, 0}, {LN3, 0}}));
        for (NDArray extra : extraOutputs) {
            outputs.add(extra);
        }
        return new ScoringBatch(new NDList(m.ones(new ai.djl.ndarray.types.Shape(2, 3))),
                new NDList(m.create(new float[] {0, 1})), outputs, m.create(new float[] {1, 3}));
    }

    private static PluginContext context(Map<String, String> settings) {
        return new PluginContext(0.1, 0.5, 42, Settings.of("ast.scorer.", settings));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void marginScoresOneMinusTheTrueClassProbabilityOrTheTopTwoGap(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            assertThat(new MarginScorer.Factory().create(context(Map.of())).score(twoSamples(m)).toFloatArray())
                    .containsExactly(new float[] {0.5f, 0.75f}, within(1e-6f));
            assertThat(new MarginScorer.Factory().create(context(Map.of("mode", "top2"))).score(twoSamples(m))
                    .toFloatArray()).containsExactly(new float[] {1f, 0.5f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void entropyIsNormalisedByItsMaximum(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2);
            assertThat(new EntropyScorer().score(twoSamples(m)).toFloatArray())
                    .containsExactly(new float[] {1f, (float) h}, within(1e-5f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void gradientNormBoundUsesPenultimateActivationsWhenTheModelOutputsThem(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            // |softmax - onehot| = sqrt(.5) and .75 * sqrt(2); mean-normalised: .4 and .6
            assertThat(new GradientNormScorer().score(twoSamples(m)).toFloatArray())
                    .containsExactly(new float[] {0.4f, 0.6f}, within(1e-5f));
            // activations with norms 1 and 3: bounds .7071 and 3.1820, mean 1.9445 -> 0.1818, 0.8182
            NDArray features = m.create(new float[][] {{1, 0}, {0, 3}});
            assertThat(new GradientNormScorer().score(twoSamples(m, features)).toFloatArray())
                    .containsExactly(new float[] {0.181818f, 0.818182f}, within(1e-5f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void reducibleLossSubtractsTheReferenceLossAndClampsAtZero(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ReferenceModel reference = (data, labels) -> m.create(new float[] {0.5f, 3.5f, 0f});
            ScoringBatch batch = new ScoringBatch(new NDList(m.ones(new ai.djl.ndarray.types.Shape(3, 2))),
                    new NDList(m.zeros(new ai.djl.ndarray.types.Shape(3))),
                    new NDList(m.zeros(new ai.djl.ndarray.types.Shape(3, 2))), m.create(new float[] {1, 3, 2}));
            PluginContext ctx = new PluginContext(0.1, 0.5, 1, Settings.empty(), Map.of(ReferenceModel.class,
                    reference));
            // reducible 0.5, 0, 2; mean 5/6 -> ratios 0.6, 0, 2.4 -> 0.3, 0, 1
            assertThat(new ReducibleLossScorer.Factory().create(ctx).score(batch).toFloatArray())
                    .containsExactly(new float[] {0.3f, 0f, 1f}, within(1e-5f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void compositeWeighsNormalisedComponents(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            // loss (1, 3) -> .25, .75; entropy (1, .8113) -> mean-normalised (.5521, .4479); weights 3:1
            double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2);
            double e0 = 1 / (1 + h);
            double e1 = h / (1 + h);
            float[] expected = {(float) (0.75 * 0.25 + 0.25 * e0), (float) (0.75 * 0.75 + 0.25 * e1)};
            assertThat(new CompositeScorer.Factory().create(context(Map.of("components", "loss:3, entropy:1")))
                    .score(twoSamples(m)).toFloatArray()).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void configurationErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> new ReducibleLossScorer.Factory().create(context(Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a reference model");
        assertThatThrownBy(() -> new MarginScorer.Factory().create(context(Map.of("mode", "top3"))))
                .hasMessage("ast.scorer.mode='top3' is unknown; use true-class or top2");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of())))
                .hasMessageContaining("ast.scorer.components is required");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of("components", "los:1"))))
                .hasMessageContaining("unknown scorer 'los'; available: [entropy, gradnorm, intensity, loss,");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of("components", "loss"))))
                .hasMessageContaining("'loss' is not name:weight");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of("components", "loss:x"))))
                .hasMessageContaining("weight 'x' of 'loss' is not a number");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of("components", "loss:0"))))
                .hasMessageContaining("all 0");
        assertThatThrownBy(() -> new CompositeScorer.Factory().create(context(Map.of("components", "composite:1"))))
                .hasMessageContaining("unknown scorer 'composite'");
    }
}
