package io.github.ast.scorers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ReferenceModel;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import io.github.ast.api.spi.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every registered scorer returns finite values in [0, 1] for any batch: sizes 1..64, degenerate and extreme values. */
class ScorerPropertiesTest {

    private static final int CLASSES = 3;

    @Provide
    Arbitrary<float[]> values() {
        // zeros, tiny, ordinary and huge magnitudes, with repeats
        Arbitrary<Float> value = Arbitraries.oneOf(Arbitraries.just(0f),
                Arbitraries.floats().between(0f, 1e-6f).ofScale(9), Arbitraries.floats().between(0f, 10f),
                Arbitraries.floats().between(0f, 1e6f));
        return value.array(float[].class).ofMinSize(12).ofMaxSize(12 * 64);
    }

    private static List<Scorer> allScorers(NDManager m) {
        ReferenceModel reference = (data, labels) -> data.head().reshape(data.head().getShape().get(0), -1)
                .mean(new int[] {1});
        PluginContext context = new PluginContext(0.1, 0.5, 1, Settings.empty(), Map.of(ReferenceModel.class,
                reference));
        List<Scorer> scorers = new ArrayList<>();
        for (ScorerFactory factory : ServiceLoader.load(ScorerFactory.class)) {
            Settings settings = factory.name().equals("composite")
                    ? Settings.of("ast.scorer.", Map.of("components", "loss:1,entropy:1,gradnorm:0.5,margin:0"))
                    : Settings.empty();
            scorers.add(factory.create(context.withSettings(settings)));
        }
        assertThat(scorers).hasSizeGreaterThanOrEqualTo(8);
        return scorers;
    }

    @Property(tries = 150)
    void everyScorerReturnsFiniteValuesInTheUnitInterval(@ForAll("values") float[] values,
            @ForAll @IntRange(min = 1, max = 64) int batch, @ForAll @IntRange(min = 0, max = 1) int engineIndex,
            @ForAll boolean signedLogits) {
        int n = Math.min(batch, values.length / 12);
        float[] inputs = Arrays.copyOf(values, n * 12);
        float[] losses = Arrays.copyOfRange(values, values.length - n, values.length);
        float[] logits = new float[n * CLASSES];
        float[] labels = new float[n];
        for (int i = 0; i < logits.length; i++) {
            float v = values[(i * 7) % values.length];
            logits[i] = signedLogits && i % 2 == 0 ? -v : v;
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
        }
        try (NDManager m = Engine.getEngine(engineIndex == 0 ? "PyTorch" : "MXNet").newBaseManager()) {
            ScoringBatch b = new ScoringBatch(new NDList(m.create(inputs, new Shape(n, 3, 4))),
                    new NDList(m.create(labels)), new NDList(m.create(logits, new Shape(n, CLASSES))),
                    m.create(losses));
            for (Scorer scorer : allScorers(m)) {
                float[] scores = scorer.score(b).toFloatArray();
                assertThat(scores).as(scorer.getClass().getSimpleName()).hasSize(n);
                for (float s : scores) {
                    assertThat(s).as(scorer.getClass().getSimpleName()).isBetween(-0f, 1f); // -0 is 0
                }
            }
        }
    }
}
