package io.github.ast.core;

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
import io.github.ast.selection.policies.GatedPolicy;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in policies ({@code ast-selection}) as the trainer creates them from an {@link AstConfig}: the run-wide
 * values reach them, and bad settings fail at load with the key, the value and the range.
 */
class PolicyConfigurationTest {

    private static SelectionPolicy policy(AstConfigBuilder builder) {
        return AdaptiveSparseTraining.create(builder.scorer("random").build()).policy();
    }

    /** 2% exploration with 1/p reweighting would weigh explored rows 50 times; the cap holds them at 5. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void gatedExplorationWeightsAreBounded(String engine) {
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
    void gatedCapIsValidatedAndTheDefaultPolicyIsThePublishedSystem() {
        assertThat(AdaptiveSparseTraining.create(AstConfig.defaults()).policy()).isInstanceOf(GatedPolicy.class);
        assertThatThrownBy(() -> policy(AstConfig.builder().setting("policy.maxWeight", "0.5")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy.maxWeight=0.5 is invalid; it must be >= 1");
    }

    @Test
    void autoNeedsPooledStepsForItsCandidates() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("auto").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.policy=auto trains its candidates' rows in pooled full-size steps");
        assertThat(AdaptiveSparseTraining.create(AstConfig.builder().policy("auto")
                .setting("policy.candidates", "none").build()).policy()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "-0.1"})
    void autoRefusesAFinalFractionOutsideItsRange(String value) {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("auto").targetRate(0.2)
                .backwardBatch(32).setting("policy.final", value).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy.final=" + Double.parseDouble(value) + " is invalid; it must be in [0, 1)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "presample|1|ast.policy.presample=1.0 is invalid; it must be > 1",
        "mix|1.5|ast.policy.mix=1.5 is invalid; it must be in [0, 1]",
        "momentum|1|ast.policy.momentum=1.0 is invalid; it must be in [0, 1)",
        "maxWeight|0.5|ast.policy.maxWeight=0.5 is invalid; it must be >= 1",
        "costRatio|-1|ast.policy.costRatio=-1.0 is invalid; it must be 'measured' or a number >= 0",
        "costRatio|cheap|ast.policy.costRatio=cheap is invalid; it must be 'measured' or a number >= 0",
        "switch|maybe|ast.policy.switch='maybe' is invalid; use true or false",
        "normalise|yes|ast.policy.normalise='yes' is invalid; use true or false",
        "score|margin|ast.policy.score='margin' is unknown; use loss or scorer",
        "presampel|3|Unknown setting ast.policy.presampel for 'importance'; it accepts [costRatio, maxWeight, mix, "
            + "momentum, normalise, presample, score, switch]"})
    void importanceSettingsFailAtLoadNamingKeyValueAndRange(String key, String value, String message) {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("importance")
                .backwardBatch(32).setting("policy." + key, value).build()))
                .isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    @Test
    void importanceWithoutPooledStepsIsAClearError() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("importance").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set ast.backwardBatch").hasMessageContaining("ast.backwardBatch is 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "beta|0|ast.policy.beta=0.0 is invalid; it must be > 0",
        "beta|-1|ast.policy.beta=-1.0 is invalid; it must be > 0",
        "window|0|ast.policy.window=0 is invalid; it must be >= 1",
        "windw|5|Unknown setting ast.policy.windw for 'selective-backprop'; it accepts [beta, window]"})
    void selectiveBackpropSettingsFailAtLoadNamingKeyValueAndRange(String key, String value, String message) {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("selective-backprop")
                .setting("policy." + key, value).build()))
                .isInstanceOf(ConfigurationException.class).hasMessage(message);
    }
}
