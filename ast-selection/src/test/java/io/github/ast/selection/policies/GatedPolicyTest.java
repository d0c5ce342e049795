package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.Gate;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatedPolicyTest {

    private static final Settings NONE = Settings.of("ast.policy.", Map.of());

    /** A controller that holds its threshold: the factory only needs one to hand to the policy. */
    private static final Controller FIXED = new Controller() {
        @Override
        public double threshold() {
            return 0.5;
        }

        @Override
        public double update(double observedRate) {
            return 0.5;
        }

        @Override
        public ControllerState state() {
            return new ControllerState("fixed", Map.of());
        }

        @Override
        public void restore(ControllerState state) {}
    };

    private static GatedPolicy create(RunValues run) {
        Map<Class<?>, Object> parts = Map.of(Scorer.class, (Scorer) ScoringBatch::losses,
                Gate.class, (Gate) (significance, threshold) -> significance.gte(threshold), Controller.class, FIXED);
        return (GatedPolicy) new GatedPolicy.Factory().create(new PluginContext(run, NONE, parts));
    }

    @Test
    void theFactoryReadsTheRunWideValuesAndNeedsTheRunsParts() {
        assertThat(create(new RunValues("", "loss", 1, Double.NaN, 0.5, 2, 0, false, 0, 1)).trainsEveryRow())
                .as("a constant target of 1 trains whole batches").isTrue();
        assertThat(create(new RunValues("", "loss", 1, 0.5, 0.5, 2, 0, false, 0, 1)).trainsEveryRow())
                .as("a target moving from 0.5 to 1 does not").isFalse();
        assertThat(create(new RunValues("", "loss", 0.1, Double.NaN, 0.5, 2, 0.3, true, 0, 1)).trainsEveryRow())
                .isFalse();
        assertThatThrownBy(() -> new GatedPolicy.Factory().create(new PluginContext(RunValues.of(0.1, 0.5, 1), NONE)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("policy 'gated' needs a Scorer");
    }

    @Test
    void aTargetBelowTheFallbacksRowsIsReportedOnTheFirstBatch() {
        assertThat(GatedPolicy.unholdableTarget(0.005, 128, 2)).startsWith("A target rate of 0.005 asks for "
                + "0.64 of the first batch's 128 rows, fewer than ast.minActive=2").contains("at least 0.0156");
        assertThat(GatedPolicy.unholdableTarget(0.1, 128, 2)).isNull();
        assertThat(GatedPolicy.unholdableTarget(0.1, 2, 2)).as("batches at minActive warn otherwise").isNull();
    }
}
