package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code auto} through {@code fit}: its floor is the plain step, and what it holds out never trains. */
class AutoTrainingTest {

    private static final int SAMPLES = 640;
    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    private static ArrayDataset data(NDManager m, boolean shuffled) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(0.5f).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, shuffled).build();
    }

    private static Trainer trainer(Model model, TrainingListener... listeners) {
        model.getNDManager().getEngine().setRandomSeed(7);
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .optDevices(new Device[] {Device.cpu()}).addTrainingListeners(listeners));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** With every candidate disabled, nothing is held out or measured: the parameters are plain DJL's, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void withoutCandidatesItTrainsBitIdenticallyToPlainDjl(String engine) throws Exception {
        float[] plain;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("plain", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            ArrayDataset train = data(m, false);
            for (int epoch = 0; epoch < 3; epoch++) {
                for (Batch batch : trainer.iterateDataset(train)) {
                    try (batch) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                    }
                }
            }
            plain = ReliabilityTest.parameters(trainer);
        }
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("auto")
                .setting("policy.candidates", "none").build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("auto", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m, false), null,
                    TrainingObserver.NONE);
            assertThat(ReliabilityTest.parameters(trainer)).containsExactly(plain);
            assertThat(report.decisions()).isEmpty();
            assertThat(report.epochs()).allSatisfy(e -> assertThat(e.forwarded()).isEqualTo(SAMPLES));
            assertThat(report.last().line()).doesNotContain("Mode");
        }
    }

    /**
     * With candidates, {@code auto} measures held-out progress: on a slice of the training set (a twentieth here) that
     * never trains
     * when {@code fit} has no validation set, on the validation set otherwise; its trials are reported, and the
     * epoch lines say which arms trained, every row in the final eighth.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, false", "MXNet, false", "PyTorch, true", "MXNet, true"})
    void heldOutTrainingRowsNeverTrainAndEveryDecisionIsReported(String engine, boolean validation)
            throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("auto").backwardBatch(64)
                .setting("policy.candidates", "prune@0.5").setting("policy.window", "2")
                .setting("policy.hold", "0").setting("policy.park", "1").setting("policy.holdout", "64").build();
        List<Set<Long>> trained = new java.util.ArrayList<>();
        TrainingListener indices = new TrainingListenerAdapter() {
            @Override
            public void onEpoch(Trainer trainer) {
                trained.add(new HashSet<>());
            }

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                if (trained.isEmpty()) {
                    trained.add(new HashSet<>());
                }
                batchData.getBatch().getIndices().forEach(i -> trained.get(trained.size() - 1)
                        .add(((Number) i).longValue()));
            }
        };
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("auto", Device.cpu(), engine);
                Trainer trainer = trainer(model, indices)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 8, data(m, true),
                    validation ? data(m, false) : null, TrainingObserver.NONE);
            Set<Long> first = trained.get(0);
            assertThat(first).as("epoch 1 trains every row it may").hasSize(validation ? SAMPLES : SAMPLES - SAMPLES / 20);
            for (Set<Long> epoch : trained) {
                assertThat(first).containsAll(epoch);
            }
            assertThat(report.decisions()).as("trials from epoch 2 on").isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains("under prune@0.5").contains("under all"));
            assertThat(report.epochs().get(0).line()).contains("| Mode: all 100%");
            assertThat(report.epochs().subList(1, 7)).anySatisfy(e -> assertThat(e.modes()).contains("prune@0.5"));
            assertThat(report.last().modes()).isEqualTo("all 100%");
        }
    }
}
