package io.github.ast.scorers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ScorerPropertiesTest {

    private static final List<Scorer> SCORERS = List.of(new LossScorer(), new IntensityScorer(),
            new LossIntensityScorer.Factory().create(ScorersTest.context(Map.of())));

    @Provide
    Arbitrary<float[]> values() {
        // losses and pixels: zeros, tiny, ordinary and huge magnitudes, with repeats
        Arbitrary<Float> value = Arbitraries.oneOf(Arbitraries.just(0f), Arbitraries.floats().between(0f, 1e-6f).ofScale(9),
                Arbitraries.floats().between(0f, 10f), Arbitraries.floats().between(0f, 1e6f));
        return value.array(float[].class).ofMinSize(12).ofMaxSize(12 * 64);
    }

    @Property(tries = 200)
    void everyScorerReturnsFiniteValuesInTheUnitInterval(@ForAll("values") float[] values,
            @ForAll @IntRange(min = 1, max = 64) int batch, @ForAll @IntRange(min = 0, max = 1) int engineIndex) {
        int n = Math.min(batch, values.length / 12);
        float[] inputs = java.util.Arrays.copyOf(values, n * 12);
        float[] losses = java.util.Arrays.copyOfRange(values, values.length - n, values.length);
        try (NDManager m = Engine.getEngine(engineIndex == 0 ? "PyTorch" : "MXNet").newBaseManager()) {
            ScoringBatch b = new ScoringBatch(new NDList(m.create(inputs, new Shape(n, 3, 4))),
                    new NDList(m.zeros(new Shape(n))), m.zeros(new Shape(n, 2)), m.create(losses));
            for (Scorer scorer : SCORERS) {
                float[] scores = scorer.score(b).toFloatArray();
                assertThat(scores).hasSize(n);
                for (float s : scores) {
                    assertThat(s).as(scorer.getClass().getSimpleName()).isBetween(0f, 1f);
                }
            }
        }
    }
}
