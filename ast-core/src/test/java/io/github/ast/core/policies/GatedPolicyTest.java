package io.github.ast.core.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.SelectionConfig;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatedPolicyTest {

    private static SelectionPolicy policy(AstConfig.Builder builder) {
        return AdaptiveSparseTraining.create(builder.scorer("random").build()).policy();
    }

    /** 2% exploration with 1/p reweighting would weigh explored rows 50 times; the cap holds them at 5. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void explorationWeightsAreBounded(String engine) {
        Engine.getEngine(engine).setRandomSeed(2);
        SelectionPolicy policy = policy(AstConfig.builder().engine(engine)
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.02, true, 0, 0)));
        assertThat(policy).isInstanceOf(GatedPolicy.class);
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            int size = 2000;
            NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
            Selection selection = policy.select(new PolicyBatch(new ScoringBatch(placeholder, placeholder,
                    placeholder, m.zeros(new Shape(size))), null));
            assertThat(selection.maxWeight()).isEqualTo(5.0);
            Set<Float> weights = new TreeSet<>();
            for (float w : selection.weights().toFloatArray()) {
                weights.add(w);
            }
            assertThat(weights).containsExactly(1f, 5f); // the gate's rows and the explored ones
            assertThat(selection.count()).isGreaterThan(selection.gateActive());
        }
    }

    @Test
    void theCapIsValidatedAndTheDefaultPolicyIsThePublishedSystem() {
        assertThat(AdaptiveSparseTraining.create(AstConfig.defaults()).policy()).isInstanceOf(GatedPolicy.class);
        assertThatThrownBy(() -> policy(AstConfig.builder().setting("policy.maxWeight", "0.5")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy.maxWeight=0.5 is invalid; it must be >= 1");
    }

    @Test
    void aTargetBelowTheFallbacksRowsIsReportedOnTheFirstBatch() {
        assertThat(GatedPolicy.unholdableTarget(0.005, 128, 2)).startsWith("A target rate of 0.005 asks for "
                + "0.64 of the first batch's 128 rows, fewer than ast.minActive=2").contains("at least 0.0156");
        assertThat(GatedPolicy.unholdableTarget(0.1, 128, 2)).isNull();
        assertThat(GatedPolicy.unholdableTarget(0.1, 2, 2)).as("batches at minActive warn otherwise").isNull();
    }
}
