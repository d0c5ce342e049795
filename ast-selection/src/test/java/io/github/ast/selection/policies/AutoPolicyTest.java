package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutoPolicyTest {

    private static PolicyBatch batch(NDManager m, float[] losses, boolean[] unseen) {
        NDArray loss = m.create(losses);
        NDList placeholder = new NDList(m.zeros(new Shape(losses.length, 1)));
        return new PolicyBatch(new ScoringBatch(placeholder, placeholder, placeholder, loss),
                unseen == null ? null : m.create(unseen));
    }

    /**
     * Pruning drops only seen rows below the mean of the seen rows' losses, at its ratio on average, and weighs the
     * kept ones of that group 1 / (1 - r); rows never trained always train.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void pruningDropsOnlySeenRowsBelowTheMeanAndWeighsTheirSurvivorsUp(String engine) {
        int size = 4000;
        float[] losses = new float[size];
        boolean[] unseen = new boolean[size];
        for (int i = 0; i < size; i++) {
            losses[i] = i % 2 == 0 ? 0.1f : 2f; // mean of the seen rows is about 1.05
            unseen[i] = i % 10 == 0; // even, so low placeholder losses that must still train
        }
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            Selection selection = new PruneSelection(0.3, new RunRandom(3)).select(batch(m, losses, unseen));
            long[] rows = selection.rows().toLongArray();
            float[] weights = selection.weights().toFloatArray();
            int lowKept = 0;
            boolean[] kept = new boolean[size];
            for (int i = 0; i < rows.length; i++) {
                int row = (int) rows[i];
                kept[row] = true;
                boolean low = row % 2 == 0 && row % 10 != 0;
                lowKept += low ? 1 : 0;
                assertThat(weights[i]).as("row %d", row).isCloseTo(low ? 1 / 0.7f : 1f,
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
            for (int i = 0; i < size; i++) {
                if (i % 2 == 1 || i % 10 == 0) {
                    assertThat(kept[i]).as("row %d: above the mean or never trained", i).isTrue();
                }
            }
            assertThat(lowKept / 1600.0).as("kept share of the 1600 seen low rows").isBetween(0.65, 0.75);
            assertThat(selection.count()).isEqualTo(rows.length).isEqualTo(selection.gateActive());
            assertThat(selection.maxWeight()).isCloseTo(1 / 0.7, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void nonFiniteRecordedLossesSkipTheBatch() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Selection selection = new PruneSelection(0.5, new RunRandom(3))
                    .select(batch(m, new float[] {1, Float.NaN, 2}, null));
            assertThat(selection.skipped()).isTrue();
            assertThat(selection.skipReason()).contains("not finite");
        }
    }

    /** Without candidates nothing is held out and every batch trains whole: full-data training. */
    @Test
    void withoutCandidatesItIsFullDataTraining() {
        AutoPolicy policy = (AutoPolicy) new AutoPolicy.Factory().create(context(0, Map.of("candidates", "none")));
        assertThat(policy.heldOutRows()).isZero();
        assertThat(policy.keepsHistory()).isFalse();
        policy.startEpoch(1, 4);
        for (int b = 0; b < 500; b++) {
            assertThat(policy.measureNow()).isFalse();
            assertThat(policy.trainsEveryRow()).isTrue();
        }
        assertThat(policy.epochModes()).as("nothing to switch between").isEmpty();
        assertThat(policy.decisions()).isEmpty();
    }

    @Test
    void candidatesNeedPooledSteps() {
        assertThatThrownBy(() -> new AutoPolicy.Factory().create(context(0, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy=auto trains its candidates' rows in pooled full-size steps: set "
                        + "ast.backwardBatch to the batch size (or ast.policy.candidates=none for full-data training); "
                        + "ast.backwardBatch is 0");
        AutoPolicy policy = (AutoPolicy) new AutoPolicy.Factory().create(context(64, Map.of()));
        assertThat(policy.heldOutRows()).isEqualTo(1024);
        assertThat(policy.keepsHistory()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "prune@1|'prune@1' is neither",
        "prune@0.3,top-k|'top-k' is neither",
        "sb@x|'sb@x' is neither",
        "''|'' is neither"})
    void aBadCandidateListNamesTheEntryAndWhatIsAllowed(String list, String entry) {
        assertThatThrownBy(() -> OptionsBinder.bind(AutoOptions.class,
                Settings.of("ast.policy.", Map.of("candidates", list))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.policy.candidates")
                .hasMessageContaining("prune@r (r in (0, 1)) and sb@beta (beta > 0), or none")
                .hasMessageContaining(entry);
    }

    private static PluginContext context(int backwardBatch, Map<String, String> options) {
        RunValues run = new RunValues("", "", 0.1, Double.NaN, 0.5, 2, 0, false, backwardBatch, 1);
        return new PluginContext(run, Settings.of("ast.policy.", options));
    }
}
