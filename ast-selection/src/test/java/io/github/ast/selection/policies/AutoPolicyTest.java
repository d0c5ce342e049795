package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.Settings;
import io.github.ast.selection.reference.IrreducibleLosses;
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
            Selection selection = new PruneSelection(0.3, new RunRandom(3), false).select(batch(m, losses, unseen));
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

    /**
     * Class-aware pruning: each row is compared with its class's mean in the batch and dropped with its class's
     * probability min(0.9, r * mean / class mean): the easy class (losses 0.1 and 0.3) loses most of its below-mean
     * rows, the hard class (1 and 3) few, and a class's lone row always stays.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void classAwarePruningDropsEasyClassesMoreThanHardOnes(String engine) {
        int size = 4001;
        float[] losses = new float[size];
        float[] labels = new float[size];
        for (int i = 0; i < size - 1; i++) {
            labels[i] = i % 2; // class 0 easy, class 1 hard
            boolean low = (i / 2) % 2 == 0;
            losses[i] = labels[i] == 0 ? (low ? 0.1f : 0.3f) : (low ? 1f : 3f);
        }
        labels[size - 1] = 7; // one row of a rare class, with the lowest loss of all
        losses[size - 1] = 0.01f;
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray loss = m.create(losses);
            NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
            PolicyBatch batch = new PolicyBatch(new ScoringBatch(placeholder, new NDList(m.create(labels)),
                    placeholder, loss), null);
            Selection selection = new PruneSelection(0.3, new RunRandom(3), true).select(batch);
            long[] rows = selection.rows().toLongArray();
            float[] weights = selection.weights().toFloatArray();
            // batch mean about 1.1; class 0's mean 0.2: ratio min(0.9, 0.3 * 1.1 / 0.2) = 0.9; class 1's mean 2:
            // ratio 0.3 * 1.1 / 2, about 0.165
            double mean = 0;
            for (float l : losses) {
                mean += l / size;
            }
            double easyRatio = Math.min(0.9, 0.3 * mean / 0.2);
            double hardRatio = 0.3 * mean / 2;
            int[] lowKept = new int[2];
            boolean rareKept = false;
            for (int i = 0; i < rows.length; i++) {
                int row = (int) rows[i];
                if (row == size - 1) {
                    rareKept = true;
                    assertThat(weights[i]).isEqualTo(1f);
                    continue;
                }
                boolean low = (row / 2) % 2 == 0;
                int klass = row % 2;
                if (low) {
                    lowKept[klass]++;
                    double ratio = klass == 0 ? easyRatio : hardRatio;
                    assertThat(weights[i]).as("row %d", row).isCloseTo((float) (1 / (1 - ratio)),
                            org.assertj.core.data.Offset.offset(1e-4f));
                } else {
                    assertThat(weights[i]).isEqualTo(1f);
                }
            }
            assertThat(rareKept).as("a class's lone row is never below its class mean").isTrue();
            assertThat(lowKept[0] / 1000.0).as("kept share of the easy class's low rows").isBetween(
                    1 - easyRatio - 0.04, 1 - easyRatio + 0.04);
            assertThat(lowKept[1] / 1000.0).as("kept share of the hard class's low rows").isBetween(
                    1 - hardRatio - 0.04, 1 - hardRatio + 0.04);
            assertThat(selection.maxWeight()).isCloseTo(10, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void nonFiniteRecordedLossesSkipTheBatch() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Selection selection = new PruneSelection(0.5, new RunRandom(3), false)
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
        "prune@1|'prune@1' is none of them",
        "prune@0.3,top-k|'top-k' is none of them",
        "sb@x|'sb@x' is none of them",
        "classprune@0|'classprune@0' is none of them",
        "rho@-1|'rho@-1' is none of them",
        "''|'' is none of them"})
    void aBadCandidateListNamesTheEntryAndWhatIsAllowed(String list, String entry) {
        assertThatThrownBy(() -> OptionsBinder.bind(AutoOptions.class,
                Settings.of("ast.policy.", Map.of("candidates", list))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.policy.candidates")
                .hasMessageContaining("prune@r and classprune@r (r in (0, 1)) and sb@beta and rho@beta (beta > 0), "
                        + "or none")
                .hasMessageContaining(entry);
    }

    /**
     * {@code rho@β} selects on the scoring pass's loss minus each row's irreducible loss: with every loss alike, the
     * rows whose reference loss is high (little left to learn) are kept less often than the rest, which all stay.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void reducibleLossCandidateSubtractsTheIrreducibleLosses(String engine) {
        int size = 2000;
        float[] losses = new float[size];
        float[] irreducible = new float[size];
        long[] indices = new long[size];
        for (int i = 0; i < size; i++) {
            losses[i] = 2f;
            irreducible[i] = i % 2 == 0 ? 1.9f : 0f;
            indices[i] = size - 1 - i; // the table is read by dataset index, not by position in the batch
        }
        float[] table = new float[size];
        for (int i = 0; i < size; i++) {
            table[(int) indices[i]] = irreducible[i];
        }
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            AutoCandidate rho = AutoCandidate.of(new double[] {3, 1}, new RunRandom(3),
                    IrreducibleLosses.restored(table));
            rho.start(m);
            NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
            Selection selection = rho.select(new PolicyBatch(new ScoringBatch(placeholder, placeholder, placeholder,
                    m.create(losses)), null, m.create(indices)));
            int[] kept = new int[2];
            for (long row : selection.rows().toLongArray()) {
                kept[(int) row % 2]++;
            }
            assertThat(kept[1]).as("rows with everything left to learn").isEqualTo(size / 2);
            assertThat(kept[0] / (size / 2.0)).as("kept share of the rows with little left to learn")
                    .isLessThan(0.7);
            assertThat(rho.label()).isEqualTo("rho@1");
            assertThat(rho.exportState(m)).hasSize(rho.stateArrays());
        }
    }

    @Test
    void reducibleLossCandidateNeedsIrreducibleLosses() {
        assertThatThrownBy(() -> new AutoPolicy.Factory().create(context(128, Map.of("candidates", "rho@1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.policy.candidates=rho@1 lists rho@beta")
                .hasMessageContaining(".service(IrreducibleLosses.class, ");
    }

    /** A table is read by dataset index, so one computed for another training set is refused before training. */
    @Test
    void reducibleLossCandidateRefusesATableOfAnotherSize() throws Exception {
        PluginContext context = new PluginContext(new RunValues("", "", 0.1, Double.NaN, 0.5, 2, 0, false, 128, 1),
                Settings.of("ast.policy.", Map.of("candidates", "rho@1")),
                Map.of(IrreducibleLosses.class, IrreducibleLosses.restored(new float[7])));
        AutoPolicy policy = (AutoPolicy) new AutoPolicy.Factory().create(context);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            ArrayDataset eight = new ArrayDataset.Builder().setData(m.zeros(new Shape(8, 2)))
                    .optLabels(m.zeros(new Shape(8))).setSampling(4, false).build();
            assertThatThrownBy(() -> policy.prepare(eight))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("irreducible losses for 7 samples but trains on 8");
            ArrayDataset seven = new ArrayDataset.Builder().setData(m.zeros(new Shape(7, 2)))
                    .optLabels(m.zeros(new Shape(7))).setSampling(4, false).build();
            assertThat(policy.prepare(seven).seconds()).isZero();
        }
    }

    private static PluginContext context(int backwardBatch, Map<String, String> options) {
        RunValues run = new RunValues("", "", 0.1, Double.NaN, 0.5, 2, 0, false, backwardBatch, 1);
        return new PluginContext(run, Settings.of("ast.policy.", options));
    }
}
