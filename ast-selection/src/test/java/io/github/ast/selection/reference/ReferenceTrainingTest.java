package io.github.ast.selection.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.selection.policies.RhoLossPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTrainingTest {

    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    private static ReferenceTraining recipe() {
        return ReferenceTraining.builder(() -> new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock()).add(Linear.builder().setUnits(CLASSES).build()),
                new Shape(1, FEATURES)).holdOut(0.25).epochs(40).batchSize(32).learningRate(0.01f).seed(3).build();
    }

    /** Separable classes; every fifth label moved to the next class: noise no model can learn. */
    private static ArrayDataset data(NDManager m, int size) {
        return data(m, size, true);
    }

    /** Separable classes, every fifth label moved to the next class when {@code noisy}. */
    private static ArrayDataset data(NDManager m, int size, boolean noisy) {
        m.getEngine().setRandomSeed(1);
        float[] labels = new float[size];
        for (int i = 0; i < size; i++) {
            labels[i] = i % CLASSES;
        }
        NDArray clean = m.create(labels);
        NDArray x = m.randomNormal(new Shape(size, FEATURES)).mul(0.3f).add(clean.reshape(size, 1));
        for (int i = 0; noisy && i < size; i += 5) {
            labels[i] = (labels[i] + 1) % CLASSES;
        }
        return new ArrayDataset.Builder().setData(x).optLabels(m.create(labels)).setSampling(32, true).build();
    }

    /**
     * One finite entry per training index, each from a model that never trained on it: the mislabelled samples'
     * irreducible loss is far above the clean ones'. The cost counts two trainings of a quarter each and one
     * forward over everything.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void tableHoldsOneFiniteLossPerIndexAndSeparatesNoise(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            IrreducibleLosses table = recipe().build(data(m, 400), engine);
            float[] losses = table.losses();
            assertThat(losses).hasSize(400);
            double noisy = 0;
            double clean = 0;
            for (int i = 0; i < losses.length; i++) {
                assertThat(Float.isFinite(losses[i])).as("index %d", i).isTrue();
                if (i % 5 == 0) {
                    noisy += losses[i] / 80.0;
                } else {
                    clean += losses[i] / 320.0;
                }
            }
            assertThat(noisy).as("mean irreducible loss of mislabelled samples").isGreaterThan(2 * clean);
            PreparationWork cost = table.cost();
            assertThat(cost.backPropagated()).isEqualTo(2L * 40 * 100);
            assertThat(cost.forwarded()).isEqualTo(cost.backPropagated() + 400);
            assertThat(cost.seconds()).isPositive();
        }
    }

    /**
     * With a clean set apart from the training set, one model trains on all of it and scores every training row: the
     * mislabelled rows' irreducible loss is far above the clean ones', and the cost is one training and one forward.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCleanSetTrainsOneReferenceThatScoresEveryTrainingRow(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ArrayDataset clean = data(m, 100, false);
            ReferenceTraining onClean = ReferenceTraining.builder(recipe().network(), recipe().inputShape())
                    .epochs(40).batchSize(32).learningRate(0.01f).seed(3).cleanSet(clean).build();
            IrreducibleLosses table = onClean.build(data(m, 400), engine);
            float[] losses = table.losses();
            assertThat(losses).hasSize(400);
            double noisy = 0;
            double rest = 0;
            for (int i = 0; i < losses.length; i++) {
                if (i % 5 == 0) {
                    noisy += losses[i] / 80.0;
                } else {
                    rest += losses[i] / 320.0;
                }
            }
            assertThat(noisy).as("mean irreducible loss of mislabelled samples").isGreaterThan(2 * rest);
            assertThat(table.cost().backPropagated()).isEqualTo(40L * 100);
            assertThat(table.cost().forwarded()).isEqualTo(40L * 100 + 400);
        }
    }

    /** A table computed beforehand is used as it is: preparing the same training set costs nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aTableComputedBeforehandIsNotBuiltAgain(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ArrayDataset data = data(m, 400);
            IrreducibleLosses table = recipe().build(data, engine);
            RhoLossPolicy policy = new RhoLossPolicy(null, engine, RhoLossPolicy.Mode.SOFT, 0.1, 1, 64, false,
                    new RunRandom(7));
            policy.start(m);
            policy.useTable(table);
            assertThat(policy.prepare(data)).isEqualTo(PreparationWork.NONE);
            assertThatThrownBy(() -> policy.prepare(data(m, 300))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("irreducible losses for 400 samples but trains on 300");
        }
    }

    /** The policy builds its table once per training-set size: again for the same data costs nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void policyRebuildsTheTableOnlyWhenTheDataChangesSize(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            RhoLossPolicy policy = new RhoLossPolicy(recipe(), engine, RhoLossPolicy.Mode.SOFT, 0.1, 1, 64, false,
                    new RunRandom(7));
            policy.start(m);
            assertThat(policy.prepare(data(m, 400)).backPropagated()).isPositive();
            assertThat(policy.prepare(data(m, 400))).isEqualTo(PreparationWork.NONE);
            assertThat(policy.prepare(data(m, 300)).backPropagated()).isPositive();
            assertThat(policy.table().size()).isEqualTo(300);
        }
    }

    /**
     * Selection reads each row's own entry and subtracts it: with equal training losses, top-k on reducible loss keeps
     * the rows of lowest irreducible loss, so the mislabelled fifth (irreducible loss far above the rest) stays out.
     * The rows come in reverse dataset order, so that a lookup by position instead of by index would show.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void topKOnReducibleLossLeavesTheMislabelledRowsOut(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            ArrayDataset data = data(m, 400);
            RhoLossPolicy policy = new RhoLossPolicy(recipe(), engine, RhoLossPolicy.Mode.TOP_K, 0.5, 1, 64, false,
                    new RunRandom(7));
            policy.start(m);
            policy.prepare(data);
            long[] indices = new long[100];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = 399 - i;
            }
            NDArray rows = m.zeros(new Shape(100, FEATURES));
            NDArray labels = m.zeros(new Shape(100));
            ScoringBatch scoring = new ScoringBatch(new NDList(rows), new NDList(labels),
                    new NDList(m.zeros(new Shape(100, CLASSES))), m.ones(new Shape(100)));
            long[] chosen = policy.select(new PolicyBatch(scoring, null, m.create(indices))).rows()
                    .toType(DataType.INT64, false).toLongArray();
            float[] table = policy.table().losses();
            long[] lowestIrreducible = java.util.stream.LongStream.range(0, 100).boxed()
                    .sorted(java.util.Comparator.comparingDouble(row -> table[(int) indices[row.intValue()]]))
                    .limit(50).mapToLong(Long::longValue).toArray();
            assertThat(chosen).containsExactlyInAnyOrder(lowestIrreducible);
            long mislabelled = java.util.Arrays.stream(chosen).filter(row -> indices[(int) row] % 5 == 0).count();
            assertThat(mislabelled).as("mislabelled rows among 50 kept of 100 (20 of the 100 are)").isLessThan(5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.6"})
    void holdOutOutsideItsRangeIsRefused(String holdOut) {
        assertThatThrownBy(() -> ReferenceTraining.builder(SequentialBlock::new, new Shape(1, 1))
                .holdOut(Double.parseDouble(holdOut)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdOut=" + Double.parseDouble(holdOut) + " is invalid")
                .hasMessageContaining("(0, 0.5]");
    }

    @org.junit.jupiter.api.Test
    void aSetTooSmallForTwoHeldOutFractionsIsRefused() throws Exception {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            ArrayDataset three = new ArrayDataset.Builder().setData(m.zeros(new Shape(3, FEATURES)))
                    .optLabels(m.zeros(new Shape(3), DataType.FLOAT32)).setSampling(2, false).build();
            ReferenceTraining tenth = ReferenceTraining.builder(SequentialBlock::new, new Shape(1, FEATURES))
                    .holdOut(0.1).build();
            assertThatThrownBy(() -> tenth.build(three, "PyTorch")).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("holdOut=0.1 of 3 samples gives 0 per reference model");
        }
    }
}
