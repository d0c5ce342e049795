package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.inject.Module;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.Scorer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end checks of the loop on a small synthetic classification problem, on both engines. */
class AdaptiveSparseTrainerTest {

    private static final int SAMPLES = 2048;
    private static final int FEATURES = 16;
    private static final int CLASSES = 4;

    /** Class = which quarter of the first feature's range; features are Gaussian noise around it. */
    private static ArrayDataset dataset(NDManager m, int batch, long seed) {
        m.getEngine().setRandomSeed((int) seed);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), ai.djl.ndarray.types.DataType.INT32)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(0.5f)
                .add(labels.reshape(SAMPLES, 1).sub(1.5f));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(batch, true).build();
    }

    private static Trainer trainer(Model model, CountingListener listener) {
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(32).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .optDevices(new Device[] {Device.cpu()}).addTrainingListeners(listener));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void holdsTheTargetRateLearnsAndFiresListeners(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(0.25).build();
        CountingListener listener = new CountingListener();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, listener)) {
            ArrayDataset train = dataset(m, 64, 1);
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 8, train, dataset(m, 256, 2));

            assertThat(report.epochs()).hasSize(8);
            EpochStats last = report.last();
            assertThat(last.activationRate()).isBetween(0.20, 0.30);
            assertThat(last.validationAccuracy()).isGreaterThan(0.85);
            assertThat(last.trainLoss()).isLessThan(report.epochs().get(0).trainLoss());
            assertThat(last.energy().savings()).isBetween(0.35, 0.55); // (1 + 3 * 0.25) / 3 -> 41.7%
            assertThat(listener.trainingBatches.get()).isEqualTo(8 * SAMPLES / 64);
            assertThat(listener.validationBatches.get()).isEqualTo(8 * SAMPLES / 256);
            assertThat(listener.epochs.get()).isEqualTo(8);
            assertThat(report.provenance().engine()).isEqualTo(engine);
            assertThat(report.config()).isEqualTo(config);
            assertThat(last.line()).matches(
                    "Epoch 8/8 \\| Loss: \\d\\.\\d{4} \\| Acc: +\\d+\\.\\d% \\| Act: +\\d+\\.\\d% \\| Save: +\\d+\\.\\d% "
                            + "\\| Thr: \\d\\.\\d{3} \\| \\d+\\.\\ds \\| Fwd: +\\d+% \\| Bwd: +\\d+% \\| unit +\\d+\\.\\d% "
                            + "\\| flops +\\d+\\.\\d%( \\| \\d+ J)?");
            // Per-batch steps back-propagate exactly the selected rows; fresh scoring forwards every sample first.
            assertThat(last.samples()).isEqualTo(SAMPLES);
            assertThat(last.backPropagated()).isEqualTo(Math.round(last.activationRate() * SAMPLES));
            assertThat(last.forwarded()).isEqualTo(SAMPLES + last.backPropagated());
            assertThat(last.energies()).containsOnlyKeys("forward-backward", "unit", "flops");
            assertThat(last.energies().get("unit").savings()).isCloseTo(1 - (0.25 * 10 + 0.75 * 0.1) / 10,
                    org.assertj.core.api.Assertions.within(0.03));
            assertThat(report.energyUnits()).containsEntry("flops", "GFLOP");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void fallsBackToRandomSamplesWhenTooFewActivate(String engine) throws Exception {
        // A threshold no score reaches and a controller that cannot move: every batch takes the fallback.
        AstConfig config = AstConfig.builder().engine(engine).initialThreshold(5).minActive(3)
                .setting("controller.kp", "0").setting("controller.ki", "0")
                .setting("controller.maxThreshold", "10").build();
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            for (Batch batch : trainer.iterateDataset(dataset(m, 64, 3))) {
                try (batch) {
                    BatchResult result = ast.trainBatch(trainer, batch);
                    assertThat(result.fallback()).isTrue();
                    assertThat(result.gateActive()).isZero();
                    assertThat(result.trained()).isEqualTo(3);
                    assertThat(result.energy().spent()).isEqualTo(64 + 3 * 3.0);
                }
            }
        }
    }

    /**
     * Non-finite scores (a custom scorer's bug) or losses skip the batch's step: no parameter moves, the controller
     * is not updated, and the run fails rather than return having trained nothing. Losses are caught in the scoring pass (fresh) or in the training forward
     * (history, where no scoring pass runs).
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, fresh, scores, NaN", "PyTorch, fresh, scores, Infinity", "PyTorch, fresh, losses, NaN",
            "PyTorch, fresh, losses, Infinity", "PyTorch, history, scores, NaN", "PyTorch, history, losses, NaN",
            "PyTorch, history, losses, -Infinity", "MXNet, fresh, scores, Infinity", "MXNet, fresh, losses, NaN",
            "MXNet, history, scores, NaN", "MXNet, history, losses, Infinity"})
    void skipsAndCountsBatchesWithNonFiniteScoresOrLosses(String engine, String mode, String broken, float value)
            throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").selection(new SelectionConfig(
                SelectionConfig.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), 0, false, 0, 0)).build();
        Module override = broken.equals("scores")
                ? binder -> binder.bind(Scorer.class).toInstance(batch -> batch.losses().mul(0f).add(value))
                : binder -> binder.bind(PerSampleLoss.class).toInstance((labels, predictions) -> PerSampleLoss
                        .softmaxCrossEntropy().compute(labels, predictions).mul(0f).add(value));
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config, override);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            float[] before = ReliabilityTest.parameters(trainer);
            // A run that trained nothing fails: a scorer's bug skips every batch; non-finite losses of finite
            // inputs are the model's, and three in a row stop the run as diverged.
            assertThatThrownBy(() -> ast.fit(trainer, 1, dataset(m, 64, 3), null))
                    .hasMessageContaining(broken.equals("scores")
                            ? "epoch 1: all " + SAMPLES / 64 + " batches were skipped"
                            : "training diverged in epoch 1 at batch 2: 3 steps in a row had non-finite losses");
            assertThat(ReliabilityTest.parameters(trainer)).as("no optimiser step").containsExactly(before);
            assertThat(ast.controller().state().get("smoothedRate")).isNaN(); // no controller update
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void skipsBatchesWithNonFiniteLossesAndEmptyBatches(String engine) throws Exception {
        // A per-sample loss that divides by zero for label 0, bound in code through the Guice override hook.
        PerSampleLoss diverging = (labels, predictions) -> PerSampleLoss.softmaxCrossEntropy()
                .compute(labels, predictions).div(labels.head());
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).build(),
                binder -> binder.bind(PerSampleLoss.class).toInstance(diverging));
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            NDArray x = m.ones(new Shape(8, FEATURES));
            NDArray y = m.create(new float[] {1, 2, 3, 0, 1, 2, 3, 1});
            try (Batch bad = new Batch(m.newSubManager(), new NDList(x), new NDList(y), 8, null, null, 0, 1)) {
                BatchResult result = ast.trainBatch(trainer, bad);
                assertThat(result.skipped()).isTrue();
                assertThat(result.trained()).isZero();
                assertThat(ast.controller().state().get("smoothedRate")).isNaN(); // no controller update
            }
            NDArray empty = m.zeros(new Shape(0, FEATURES));
            try (Batch none = new Batch(m.newSubManager(), new NDList(empty), new NDList(m.zeros(new Shape(0))), 0,
                    null, null, 0, 1)) {
                assertThat(ast.trainBatch(trainer, none).skipped()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void rejectsAModelOnAnotherEngineThanConfigured(String engine) throws Exception {
        String other = engine.equals("PyTorch") ? "MXNet" : "PyTorch";
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(other).build());
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            assertThatThrownBy(() -> ast.fit(trainer, 1, dataset(m, 64, 1), null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("ast.engine=" + other + " but the trainer's model runs on " + engine);
            assertThatThrownBy(() -> ast.fit(trainer, 0, dataset(m, 64, 1), null)).hasMessageContaining("epochs=0");
        }
    }

    /** An empty training set used to train nothing and print "Save: 0.0%" with no word of warning. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void refusesAnEmptyTrainingSet(String engine) throws Exception {
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).build());
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            ArrayDataset empty = new ArrayDataset.Builder().setData(m.zeros(new Shape(0, FEATURES)))
                    .optLabels(m.zeros(new Shape(0))).setSampling(64, true).build();
            assertThatThrownBy(() -> ast.fit(trainer, 1, empty, null)).isInstanceOf(ConfigurationException.class)
                    .hasMessage("the training set is empty (a RandomAccessDataset of size 0): there is nothing to "
                            + "train");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void fullActivationTrainsEveryBatchDirectlyWithNoScoringPass(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(1.0).initialThreshold(0).build();
        CountingListener listener = new CountingListener();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, listener)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 1, dataset(m, 64, 1), null);
            EpochStats epoch = report.last();
            assertThat(epoch.activationRate()).isEqualTo(1.0);
            assertThat(epoch.validationAccuracy()).isNaN();
            // Nothing can be skipped at 100%, so nothing is scored: one forward per sample, no extra energy.
            assertThat(epoch.forwarded()).isEqualTo(SAMPLES);
            assertThat(epoch.backPropagated()).isEqualTo(SAMPLES);
            assertThat(epoch.scoredBatches()).isZero();
            assertThat(epoch.energy().savings()).isZero();
            assertThat(listener.trainingBatches.get()).isEqualTo(SAMPLES / 64);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void scoreAtFullTargetKeepsTheScoringPassAt100Percent(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(1.0).initialThreshold(0)
                .setting("policy.scoreAtFullTarget", "true").build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            EpochStats epoch = AdaptiveSparseTraining.create(config).fit(trainer, 1, dataset(m, 64, 1), null,
                    TrainingObserver.NONE).last();
            assertThat(epoch.scoredBatches()).isEqualTo(SAMPLES / 64);
            assertThat(epoch.forwarded()).isEqualTo(2L * SAMPLES); // scoring and training forwards
            assertThat(epoch.activationRate()).isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void historySelectionSkipsTheScoringPassAfterAWarmUp(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(0.25)
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, false, 1, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 8, dataset(m, 64, 1),
                    dataset(m, 256, 2));
            EpochStats warmup = report.epochs().get(0);
            assertThat(warmup.phase()).isEqualTo(SelectionConfig.Phase.WARMUP);
            assertThat(warmup.activationRate()).isEqualTo(1.0);
            assertThat(warmup.energies().get("forward-backward").savings()).isZero(); // no scoring pass
            EpochStats last = report.last();
            assertThat(last.phase()).isEqualTo(SelectionConfig.Phase.SPARSE);
            assertThat(last.activationRate()).isBetween(0.18, 0.32);
            // no scoring pass: the forward-backward saving is 1 - activation, not (2 - 3 * activation) / 3
            assertThat(last.energies().get("forward-backward").savings())
                    .isCloseTo(1 - last.activationRate(), org.assertj.core.api.Assertions.within(1e-9));
            assertThat(last.validationAccuracy()).isGreaterThan(0.85);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void annealingTrainsTheLastEpochsOnAllData(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine)
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 0, 1)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 3, dataset(m, 64, 1), null);
            assertThat(report.epochs()).extracting(EpochStats::phase).containsExactly(SelectionConfig.Phase.SPARSE,
                    SelectionConfig.Phase.SPARSE, SelectionConfig.Phase.ANNEAL);
            assertThat(report.last().activationRate()).isEqualTo(1.0);
            assertThat(report.last().line()).endsWith("| anneal");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void explorationTrainsBelowThresholdSamplesAtItsRate(String engine) throws Exception {
        // Nothing clears the threshold and the controller cannot move: only exploration selects.
        AstConfig config = AstConfig.builder().engine(engine).initialThreshold(5).minActive(1)
                .setting("controller.kp", "0").setting("controller.ki", "0").setting("controller.maxThreshold", "10")
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.2, true, 0, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 2, dataset(m, 64, 1), null);
            assertThat(report.last().activationRate()).isBetween(0.17, 0.23);
            assertThat(report.last().gateRate()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void historySelectionNeedsIndexedBatches(String engine) throws Exception {
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine)
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0, false, 0, 0)).build());
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            ai.djl.training.dataset.Dataset notRandomAccess = new ai.djl.training.dataset.Dataset() {
                @Override
                public Iterable<Batch> getData(NDManager manager) {
                    return java.util.List.of();
                }

                @Override
                public void prepare(ai.djl.util.Progress progress) {}
            };
            assertThatThrownBy(() -> ast.fit(trainer, 1, notRandomAccess, null))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a RandomAccessDataset");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aTargetScheduleMovesTheActivationFromItsStartToTheTarget(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(0.1).meter("none")
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 0, 0, 0.5, 2)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 5, dataset(m, 64, 1), null);
            double[] targets = report.epochs().stream().mapToDouble(EpochStats::targetRate).toArray();
            assertThat(targets).containsExactly(new double[] {0.5, 0.4, 0.3, 0.2, 0.1},
                    org.assertj.core.api.Assertions.within(1e-12));
            for (EpochStats e : report.epochs().subList(1, 5)) {
                // the controller follows its moving target within a few points once past the first epoch
                assertThat(e.activationRate()).as("epoch %d", e.epoch()).isCloseTo(e.targetRate(),
                        org.assertj.core.api.Assertions.within(0.06));
            }
            assertThat(report.last().activationRate()).isLessThan(report.epochs().get(1).activationRate());
        }
        AstConfig fixedRate = config.toBuilder().gate("top-k").build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("synthetic", Device.cpu(), engine);
                Trainer trainer = trainer(model, new CountingListener())) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(fixedRate).fit(trainer, 2, dataset(m, 64, 1), null))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("keeps a fixed rate");
        }
    }

    static final class CountingListener extends TrainingListenerAdapter {
        final AtomicInteger trainingBatches = new AtomicInteger();
        final AtomicInteger validationBatches = new AtomicInteger();
        final AtomicInteger epochs = new AtomicInteger();

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            assertThat(batchData.getPredictions()).isNotEmpty();
            trainingBatches.incrementAndGet();
        }

        @Override
        public void onValidationBatch(Trainer trainer, BatchData batchData) {
            validationBatches.incrementAndGet();
        }

        @Override
        public void onEpoch(Trainer trainer) {
            epochs.incrementAndGet();
        }
    }
}
