package io.github.ast.core.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutoPolicyTest {

    private static final int BATCH = 100;

    /** An auto policy drawing 10% of each batch, scoring priced at a fixed 0.5 (τ must exceed 1.5). */
    private static AutoPolicy auto(double[] progress) {
        ImportancePolicy importance = new ImportancePolicy(null,
                new ImportancePolicy.Options(10, 0.2, 0.9, 5, false, true, 0.5), new RunRandom(7));
        return new AutoPolicy(importance, 0.125, () -> progress[0]);
    }

    /** Drives one batch as the trainer does: unscored rows train (their losses feed τ), or the batch is scored. */
    private static Selection batch(AutoPolicy policy, NDManager m, NDArray losses) {
        Selection unscored = policy.selectUnscored(BATCH, m);
        if (unscored != null) {
            policy.accept(unscored);
            policy.trained(losses.get(new NDIndex("{}", unscored.rows())));
            return unscored;
        }
        NDList placeholder = new NDList(m.zeros(new Shape(BATCH, 1)));
        Selection selection = policy.select(new PolicyBatch(new ScoringBatch(placeholder, placeholder, placeholder,
                losses), null));
        policy.accept(selection);
        return selection;
    }

    /**
     * Where selection cannot help (every loss alike) it stays uniform at the target rate and never scores; on a
     * heavy-tailed stream it turns to importance sampling; in the run's last eighth it trains every row.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, false", "PyTorch, true", "MXNet, false", "MXNet, true"})
    void staysUniformWhereSelectionCannotHelpAndEndsOnAllData(String engine, boolean heavyTailed) {
        Engine.getEngine(engine).setRandomSeed(2);
        double[] progress = {0};
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            AutoPolicy policy = auto(progress);
            for (int b = 0; b < 40; b++) {
                progress[0] = b / 40.0;
                try (NDManager m = run.newSubManager()) {
                    NDArray losses = heavyTailed ? m.randomNormal(new Shape(BATCH)).mul(3f).exp()
                            : m.ones(new Shape(BATCH));
                    Selection selection = batch(policy, m, losses);
                    assertThat(selection.count()).isEqualTo(b >= 35 ? BATCH : BATCH / 10);
                }
            }
            assertThat(policy.decisions()).extracting(AutoPolicy.Decision::mode).containsExactly(heavyTailed
                    ? new AutoPolicy.Mode[] {AutoPolicy.Mode.UNIFORM, AutoPolicy.Mode.IMPORTANCE, AutoPolicy.Mode.ALL}
                    : new AutoPolicy.Mode[] {AutoPolicy.Mode.UNIFORM, AutoPolicy.Mode.ALL});
            assertThat(policy.decisions().get(policy.decisions().size() - 1).batch()).as("7/8 of 40").isEqualTo(35);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0|32|ast.policy=auto draws ast.targetRate of each batch, which must be below 1; it is 1.0",
        "0.2|0|ast.policy=auto trains full-size pooled steps: set ast.backwardBatch (the step's rows); "
            + "ast.backwardBatch is 0"})
    void settingsItCannotRunWithAreRefusedAtLoad(double rate, int backwardBatch, String message) {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("auto").targetRate(rate)
                .backwardBatch(backwardBatch).build())).isInstanceOf(ConfigurationException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "-0.1"})
    void aFinalFractionOutsideItsRangeIsRefused(String value) {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("auto").targetRate(0.2)
                .backwardBatch(32).setting("policy.final", value).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy.final=" + Double.parseDouble(value) + " is invalid; it must be in [0, 1)");
    }
}
