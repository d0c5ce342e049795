package io.github.ast.selection.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.RunRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The authors' gate: the sigmoid above the threshold, nothing at or below it, and the energy budget's cap. */
class SundewGateTest {

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void rowsAtOrBelowTheThresholdNeverActivateAndTheBudgetCapsTheRest(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            SundewGate gate = new SundewGate(SundewGate.Options.DEFAULTS, new RunRandom(3));
            assertThat(count(gate.select(m.full(new Shape(128), 0.5f), 0.5).toBooleanArray())).isZero();
            // Far above the threshold every row would activate; the budget starts full (100, ten activations' worth)
            // and regenerates 2 per row on average for a cost of 10: a fifth of the rows in the long run.
            boolean[] first = gate.select(m.full(new Shape(128), 1f), 0).toBooleanArray();
            assertThat(first).startsWith(true, true, true, true, true, true, true, true, true);
            long active = 0;
            for (int batch = 0; batch < 100; batch++) {
                active += count(gate.select(m.full(new Shape(128), 1f), 0).toBooleanArray());
            }
            assertThat(active / 12800.0).isBetween(0.19, 0.21);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void justAboveTheThresholdTheSigmoidDecidesWhileTheBudgetLasts(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            // A budget that never runs dry (regeneration pays every activation): sigmoid(0.15 / 0.15) = 0.731.
            SundewGate gate = new SundewGate(new SundewGate.Options(0.15, 100, 10, 10, 10), new RunRandom(5));
            long active = count(gate.select(m.full(new Shape(20_000), 0.65f), 0.5).toBooleanArray());
            assertThat(active / 20_000.0).isBetween(0.71, 0.75);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRestoredBudgetGatesAsTheUninterruptedOne(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            RunRandom random = new RunRandom(9);
            SundewGate uninterrupted = new SundewGate(SundewGate.Options.DEFAULTS, random);
            uninterrupted.select(m.full(new Shape(64), 0.9f), 0.2);
            double[] saved = uninterrupted.state();
            assertThat(saved[0]).isLessThan(100);
            random.reseed(4); // as the trainer does at a checkpoint
            boolean[] next = uninterrupted.select(m.full(new Shape(64), 0.9f), 0.2).toBooleanArray();
            RunRandom resumedRandom = new RunRandom(0);
            SundewGate resumed = new SundewGate(SundewGate.Options.DEFAULTS, resumedRandom);
            resumed.restore(saved);
            resumedRandom.reseed(4);
            assertThat(resumed.select(m.full(new Shape(64), 0.9f), 0.2).toBooleanArray()).containsExactly(next);
            assertThatThrownBy(() -> resumed.restore(new double[] {101})).hasMessageContaining("[0, 100.0]");
        }
    }

    @org.junit.jupiter.api.Test
    void badOptionsNameTheValueAndTheRange() {
        assertThatThrownBy(() -> new SundewGate.Options(0.15, 10, 10, 1, 3)).hasMessageContaining("capacity=10.0")
                .hasMessageContaining("> cost (10.0)");
        assertThatThrownBy(() -> new SundewGate.Options(0.15, 100, 10, 3, 1)).hasMessageContaining("regenMax=1.0");
    }
}
