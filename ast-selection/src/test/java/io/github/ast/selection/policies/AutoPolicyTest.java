package io.github.ast.selection.policies;

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
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoPolicyTest {

    private static final int BATCH = 100;

    /** An auto policy drawing 10% of each batch, scoring priced at a fixed 0.5 (τ must exceed 1.5). */
    private static AutoPolicy auto(double[] progress) {
        ImportancePolicy importance = new ImportancePolicy(null,
                new ImportancePolicy.Options(10, new ImportanceOptions(0.2, 0.9, 5, "0.5",
                        ImportanceOptions.Score.LOSS), false, true), new RunRandom(7));
        return new AutoPolicy(importance, 0.125, () -> progress[0]);
    }

    /** Drives one batch as the trainer does: unscored rows train (their losses feed τ), or the batch is scored. */
    private static Selection batch(AutoPolicy policy, NDManager m, NDArray losses) {
        int size = Math.toIntExact(losses.size());
        Selection unscored = policy.selectUnscored(size, m);
        if (unscored != null) {
            policy.accept(unscored);
            policy.trained(losses.get(new NDIndex("{}", unscored.rows())));
            return unscored;
        }
        NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
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

    /**
     * With a sampler it may resize, the uniform share is drawn by the sampler: batches of one step's rows (10),
     * trained whole; presamples of 100 only while importance sampling is on; steps again in the final phase. A batch
     * drawn before a change trains as it came: the first presample while uniform gives its 10% only, and a presample
     * drawn before the final phase trains whole in it.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, false", "PyTorch, true", "MXNet, false", "MXNet, true"})
    void aResizableSamplerLoadsOnlyWhatTheUniformShareTrains(String engine, boolean heavyTailed) {
        Engine.getEngine(engine).setRandomSeed(2);
        int step = BATCH / 10;
        int[] next = {BATCH};
        List<Integer> sizes = new ArrayList<>();
        ImportancePolicy importance = new ImportancePolicy(null,
                new ImportancePolicy.Options(10, new ImportanceOptions(0.2, 0.9, 5, "0.5",
                        ImportanceOptions.Score.LOSS), false, true), new RunRandom(7),
                new PresampleLoading(rows -> next[0] = rows, step));
        double[] progress = {0};
        AutoPolicy policy = new AutoPolicy(importance, 0.125, () -> progress[0]);
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            for (int b = 0; b < 40; b++) {
                progress[0] = b / 40.0;
                int size = next[0];
                sizes.add(size);
                try (NDManager m = run.newSubManager()) {
                    NDArray losses = heavyTailed ? m.randomNormal(new Shape(size)).mul(3f).exp()
                            : m.ones(new Shape(size));
                    Selection selection = batch(policy, m, losses);
                    assertThat(selection.count()).as("batch %d of %d rows", b, size).isEqualTo(b >= 35 ? size : step);
                    assertThat(selection.weights() != null).isEqualTo(size == BATCH && b > 0 && b < 35);
                }
            }
        }
        assertThat(sizes.get(0)).isEqualTo(BATCH);
        assertThat(sizes.subList(36, 40)).as("the final phase, once it asked").containsOnly(step);
        if (heavyTailed) {
            // Uniform until the free losses turn the switch on (within a few batches), presamples from then on.
            int on = 1 + sizes.subList(1, 40).indexOf(BATCH);
            assertThat(on).isBetween(2, 5);
            assertThat(sizes.subList(1, on)).containsOnly(step);
            assertThat(sizes.subList(on, 36)).containsOnly(BATCH);
        } else {
            assertThat(sizes.subList(1, 40)).containsOnly(step);
        }
    }

    /** The factory reads the target and the pooled step's size from the run-wide values in its context. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0|32|ast.policy=auto draws ast.targetRate of each batch, which must be below 1; it is 1.0",
        "0.2|0|ast.policy=auto trains full-size pooled steps: set ast.backwardBatch (the step's rows); "
            + "ast.backwardBatch is 0"})
    void theFactoryRefusesRunValuesItCannotRunWith(double rate, int backwardBatch, String message) {
        RunValues run = new RunValues("", "", rate, Double.NaN, 0.5, 2, 0, false, backwardBatch, 1);
        assertThatThrownBy(() -> new AutoPolicy.Factory().create(new PluginContext(run,
                Settings.of("ast.policy.", Map.of())))).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }
}
