package io.github.ast.djl.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogitAdjustedLossTest {

    @Test
    void offsetsAreTauTimesTheLogPriors() {
        float[] offsets = LogitAdjustedLoss.offsets(new long[] {600, 300, 100}, 1);
        assertThat(offsets[0]).isCloseTo((float) Math.log(0.6), within(1e-6f));
        assertThat(offsets[1]).isCloseTo((float) Math.log(0.3), within(1e-6f));
        assertThat(offsets[2]).isCloseTo((float) Math.log(0.1), within(1e-6f));
        assertThat(LogitAdjustedLoss.offsets(new long[] {600, 300, 100}, 2)[2]).isCloseTo((float) (2 * Math.log(0.1)),
                within(1e-6f));
        assertThat(LogitAdjustedLoss.offsets(new long[] {5, 5}, 1)).containsExactly((float) Math.log(0.5),
                (float) Math.log(0.5));
        for (float offset : LogitAdjustedLoss.offsets(new long[] {600, 300, 100}, 0)) {
            assertThat(offset == 0f).as("tau 0: no adjustment").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theLossIsCrossEntropyOnShiftedLogits(String engine) {
        try (NDManager m = NDManager.newBaseManager(engine)) {
            NDArray logits = m.create(new float[] {2f, 0.5f, -1f, 0f, 1f, 3f}, new Shape(2, 3));
            NDArray labels = m.create(new float[] {0, 2});
            LogitAdjustedLoss adjusted = new LogitAdjustedLoss(new long[] {600, 300, 100}, 1);
            float expected = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels),
                    new NDList(logits.add(m.create(adjusted.offsets())))).getFloat();
            assertThat(adjusted.evaluate(new NDList(labels), new NDList(logits)).getFloat()).isEqualTo(expected);
            // The rare class's logit is pushed down in training, so its row costs more than under plain
            // cross-entropy, and the frequent class's row less.
            float plainRare = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels.get("1:2")),
                    new NDList(logits.get("1:2"))).getFloat();
            assertThat(adjusted.evaluate(new NDList(labels.get("1:2")), new NDList(logits.get("1:2"))).getFloat())
                    .isGreaterThan(plainRare);
        }
    }

    @Test
    void badCountsAndTauAreNamed() {
        assertThatThrownBy(() -> LogitAdjustedLoss.offsets(new long[] {5, 0}, 1)).hasMessageContaining("class 1 has 0");
        assertThatThrownBy(() -> LogitAdjustedLoss.offsets(new long[] {5, 5}, -1)).hasMessageContaining("tau -1");
    }
}
