package io.github.ast.selection.gates;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.RunRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatesTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void thresholdGateKeepsScoresAtOrAboveTheThreshold(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray mask = new ThresholdGate().select(m.create(new float[] {0.1f, 0.5f, 0.7f, 0.49f}), 0.5);
            assertThat(mask.toBooleanArray()).containsExactly(false, true, true, false);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void probabilisticGateFollowsTheSigmoid(String engine) {
        Engine e = Engine.getEngine(engine);
        e.setRandomSeed(1);
        try (NDManager m = e.newBaseManager()) {
            int n = 20_000;
            // forty temperatures above: always (sigmoid rounds to 1 in float32); below: never; at the threshold: half
            ProbabilisticGate sharp = new ProbabilisticGate(0.01, new RunRandom(1));
            assertThat(sharp.select(m.full(new Shape(n), 0.9f), 0.5).sum().toType(ai.djl.ndarray.types.DataType.INT64,
                    false).getLong()).isEqualTo(n);
            assertThat(sharp.select(m.full(new Shape(n), 0.1f), 0.5).toType(ai.djl.ndarray.types.DataType.INT64,
                    false).sum().getLong()).isZero();
            ProbabilisticGate gate = new ProbabilisticGate(0.05, new RunRandom(1));
            long half = gate.select(m.full(new Shape(n), 0.5f), 0.5).toType(ai.djl.ndarray.types.DataType.INT64,
                    false).sum().getLong();
            assertThat(half).isBetween((long) (0.48 * n), (long) (0.52 * n));
            // one temperature above: sigmoid(1) = 0.731
            long above = gate.select(m.full(new Shape(n), 0.55f), 0.5).toType(ai.djl.ndarray.types.DataType.INT64,
                    false).sum().getLong();
            assertThat((double) above / n).isBetween(0.71, 0.75);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void topKKeepsExactlyTheKMostSignificantEvenWithTies(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            TopKGate gate = new TopKGate(0.4); // 5 samples -> 2
            assertThat(gate.usesThreshold()).isFalse();
            boolean[] mask = gate.select(m.create(new float[] {0.1f, 0.9f, 0.3f, 0.8f, 0.2f}), 99).toBooleanArray();
            assertThat(mask).containsExactly(false, true, false, true, false);
            boolean[] ties = gate.select(m.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}), 0).toBooleanArray();
            assertThat(count(ties)).isEqualTo(2);
            // a batch of one keeps its one sample; a tiny rate keeps at least one
            assertThat(new TopKGate(0.01).select(m.create(new float[] {0.3f}), 0).toBooleanArray())
                    .containsExactly(true);
            assertThat(count(new TopKGate(0.01).select(m.create(new float[] {0.3f, 0.1f, 0.2f}), 0)
                    .toBooleanArray())).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void randomGateKeepsExactlyKUniformlyChosenSamples(String engine) {
        Engine e = Engine.getEngine(engine);
        e.setRandomSeed(3);
        try (NDManager m = e.newBaseManager()) {
            RandomGate gate = new RandomGate(0.25, new RunRandom(1));
            int[] hits = new int[8];
            int rounds = 4000;
            NDArray significance = m.create(new float[] {9, 8, 7, 6, 5, 4, 3, 2}); // must not matter
            for (int r = 0; r < rounds; r++) {
                boolean[] mask = gate.select(significance, 0).toBooleanArray();
                assertThat(count(mask)).isEqualTo(2);
                for (int i = 0; i < mask.length; i++) {
                    hits[i] += mask[i] ? 1 : 0;
                }
            }
            for (int h : hits) {
                assertThat((double) h / rounds).isBetween(0.22, 0.28); // each sample kept 25% of the time
            }
        }
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
