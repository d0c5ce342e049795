package io.github.ast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void softmaxCrossEntropyMatchesHandComputedValues(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray logits = m.create(new float[][] {{0, 0}, {2, 0}, {0, Float.parseFloat("3")}});
            NDArray labels = m.create(new float[] {0, 0, 0});
            float[] loss = PerSampleLoss.softmaxCrossEntropy().compute(new NDList(labels), new NDList(logits))
                    .toFloatArray();
            assertThat(loss[0]).isCloseTo((float) Math.log(2), within(1e-5f));
            assertThat(loss[1]).isCloseTo((float) Math.log(1 + Math.exp(-2)), within(1e-5f));
            assertThat(loss[2]).isCloseTo((float) (3 + Math.log(1 + Math.exp(-3))), within(1e-5f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void scoringBatchChecksThatLossesMatchTheBatch(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDList data = new NDList(m.zeros(new Shape(4, 3)));
            NDList labels = new NDList(m.zeros(new Shape(4)));
            NDArray logits = m.zeros(new Shape(4, 2));
            ScoringBatch batch = new ScoringBatch(data, labels, new NDList(logits), m.zeros(new Shape(4)));
            assertThat(batch.size()).isEqualTo(4);
            assertThat(batch.predictions()).isSameAs(logits);
            assertThat(batch.features()).isEmpty();
            NDArray features = m.ones(new Shape(4, 8));
            assertThat(new ScoringBatch(data, labels, new NDList(logits, features), m.zeros(new Shape(4))).features())
                    .containsSame(features);
            assertThatThrownBy(() -> new ScoringBatch(data, labels, new NDList(logits), m.zeros(new Shape(3))))
                    .hasMessageContaining("losses must have shape (4)");
            assertThatThrownBy(() -> new ScoringBatch(new NDList(), labels, new NDList(logits), logits))
                    .hasMessageContaining("0 data");
        }
    }
}
