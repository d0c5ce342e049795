package io.github.ast.scorers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScorersTest {

    private static ScoringBatch batch(NDManager m, float[][] inputs, float[] losses) {
        NDArray data = m.create(inputs);
        int n = inputs.length;
        return new ScoringBatch(new NDList(data), new NDList(m.zeros(new Shape(n))), new NDList(m.zeros(new Shape(n, 2))),
                m.create(losses));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void normalisationIsRelativeToTheMeanAndClamped(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            // mean 2: ratios 0, 0.5, 1, 2.5 -> clamp to [0, 2] -> halve
            float[] out = Normalisation.relativeToMean(m.create(new float[] {0, 1, 2, 5})).toFloatArray();
            assertThat(out).containsExactly(new float[] {0f, 0.25f, 0.5f, 1f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void degenerateBatchesGiveOneHalfNotNaN(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            assertThat(Normalisation.relativeToMean(m.create(new float[] {0, 0, 0})).toFloatArray())
                    .containsOnly(0.5f);
            assertThat(Normalisation.relativeToMean(m.create(new float[] {3.7f, 3.7f})).toFloatArray())
                    .containsExactly(new float[] {0.5f, 0.5f}, within(1e-6f));
            assertThat(Normalisation.relativeToMean(m.create(new float[] {42f})).toFloatArray())
                    .containsExactly(new float[] {0.5f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void lossScorerNormalisesLosses(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ScoringBatch b = batch(m, new float[][] {{0, 1}, {0, 1}}, new float[] {1, 3});
            assertThat(new LossScorer().score(b).toFloatArray())
                    .containsExactly(new float[] {0.25f, 0.75f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void intensityIsThePerSampleStandardDeviation(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            // std of {0, 2} = 1, std of {1, 1} = 0, std of {0, 4} = 2; mean std 1
            NDArray x = m.create(new float[][] {{0, 2}, {1, 1}, {0, 4}});
            assertThat(IntensityScorer.standardDeviation(x).toFloatArray())
                    .containsExactly(new float[] {1f, 0f, 2f}, within(1e-6f));
            ScoringBatch b = new ScoringBatch(new NDList(x.reshape(3, 1, 2)), new NDList(m.zeros(new Shape(3))),
                    new NDList(m.zeros(new Shape(3, 2))), m.ones(new Shape(3)));
            assertThat(new IntensityScorer().score(b).toFloatArray())
                    .containsExactly(new float[] {0.5f, 0f, 1f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void referenceScoreIsSevenTenthsLossPlusThreeTenthsIntensity(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ScoringBatch b = batch(m, new float[][] {{0, 2}, {1, 1}, {0, 4}}, new float[] {0, 1, 5});
            // loss mean 2: 0, 0.25, 1; intensity: 0.5, 0, 1
            float[] expected = {0.7f * 0 + 0.3f * 0.5f, 0.7f * 0.25f, 1f};
            LossIntensityScorer scorer = (LossIntensityScorer) new LossIntensityScorer.Factory()
                    .create(context(Map.of()));
            assertThat(scorer.weights()).isEqualTo(LossIntensityScorer.Weights.DEFAULTS);
            assertThat(scorer.score(b).toFloatArray()).containsExactly(expected, within(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void weightsAreDividedByTheirSum(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ScoringBatch b = batch(m, new float[][] {{0, 2}, {1, 1}, {0, 4}}, new float[] {0, 1, 5});
            float[] lossOnly = new LossIntensityScorer.Factory()
                    .create(context(Map.of("lossWeight", "3", "intensityWeight", "0"))).score(b).toFloatArray();
            assertThat(lossOnly).containsExactly(new float[] {0f, 0.25f, 1f}, within(1e-6f));
        }
    }

    @org.junit.jupiter.api.Test
    void invalidWeightsAreConfigurationErrors() {
        assertThatThrownBy(() -> new LossIntensityScorer.Factory().create(context(Map.of("lossWeight", "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lossWeight=-1.0");
        assertThatThrownBy(() -> new LossIntensityScorer.Factory()
                .create(context(Map.of("lossWeight", "0", "intensityWeight", "0"))))
                .hasMessageContaining("both 0");
    }

    static PluginContext context(Map<String, String> settings) {
        return new PluginContext(0.1, 0.5, 42, Settings.of("ast.scorer.", settings));
    }
}
