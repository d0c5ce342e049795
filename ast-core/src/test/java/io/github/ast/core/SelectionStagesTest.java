package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.api.AdjustableBatchSize;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Selection;
import io.github.ast.djl.sampling.Rs2Sampler;
import io.github.ast.selection.reference.ReferenceTraining;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The loop's stages: pooled backward batches, stale scores, policies selected by name. */
class SelectionStagesTest {

    private static final int SAMPLES = 640;
    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    private static ArrayDataset data(NDManager m) {
        return data(m, 64);
    }

    private static ArrayDataset data(NDManager m, int batchSize) {
        return dataBuilder(m).setSampling(batchSize, true).build();
    }

    /** The data, its sampling still to be set. */
    private static ArrayDataset.Builder dataBuilder(NDManager m) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(0.5f).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels);
    }

    /** A trainer whose initialisation does not depend on what earlier tests drew from the engine's generator. */
    private static Trainer trainer(Model model) {
        model.getNDManager().getEngine().setRandomSeed(7);
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** Every batch's result, in order. */
    private static final class Recorder implements TrainingObserver {
        final List<BatchResult> batches = new ArrayList<>();
        final java.util.Map<Integer, Long> backPropagatedByEpoch = new java.util.HashMap<>();

        @Override
        public void onBatch(int epoch, BatchResult result) {
            batches.add(result);
            backPropagatedByEpoch.merge(epoch, (long) result.backPropagated(), Long::sum);
        }
    }

    /**
     * Pooled steps hold exactly {@code ast.backwardBatch} rows; the epoch's remainder trains at its end, so every
     * row selected is back-propagated once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void pooledStepsAreFullSizeAndNothingSelectedIsDropped(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("selective-backprop")
                .scorer("loss").backwardBatch(48).build();
        Recorder recorder = new Recorder();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("pooled", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null, recorder);
            for (BatchResult batch : recorder.batches) {
                assertThat(batch.backPropagated() % 48).as("rows back-propagated while a batch trains").isZero();
                assertThat(batch.forwarded()).isEqualTo(64 + batch.backPropagated());
            }
            for (EpochStats epoch : report.epochs()) {
                long selected = Math.round(epoch.activationRate() * epoch.samples());
                assertThat(epoch.backPropagated()).as("epoch %d", epoch.epoch()).isEqualTo(selected);
                assertThat(epoch.activationRate()).isBetween(0.35, 0.65); // β = 1 keeps about half
                assertThat(epoch.threshold()).isNaN();
                assertThat(epoch.line()).contains("Thr: - |");
                long remainder = epoch.backPropagated() - recorder.backPropagatedByEpoch.get(epoch.epoch());
                assertThat(remainder).as("the epoch's remainder, trained at its end").isEqualTo(selected % 48);
            }
        }
    }

    /** Stale scores: a scoring forward in epochs 1, 3 and 5, none in 2, 4 and 6, which select from the history. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void staleSelectionScoresAfreshOnlyEveryStalenessEpochs(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("selective-backprop")
                .scorer("loss").backwardBatch(64)
                .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("stale", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 6, data(m), data(m));
            for (EpochStats epoch : report.epochs()) {
                boolean fresh = epoch.epoch() % 2 == 1;
                assertThat(epoch.forwarded()).as("epoch %d", epoch.epoch())
                        .isEqualTo((fresh ? SAMPLES : 0) + epoch.backPropagated());
                assertThat(epoch.backPropagated()).isBetween((long) (0.3 * SAMPLES), (long) (0.7 * SAMPLES));
            }
            assertThat(report.last().validationAccuracy()).as("it learns").isGreaterThan(0.5);
        }
    }

    /**
     * Importance sampling's switch weighs measured batch times against τ: with heavy-tailed scores (τ about 4) it
     * stays on after the probes when scoring is nearly free, and off when the scorer sleeps 40 ms a batch, which no
     * τ can pay for (the uniform share bounds τ by 7.9 on batches of 96). Off, batches have no scoring pass: only
     * the drawn rows are forwarded.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, 0", "PyTorch, 40", "MXNet, 0", "MXNet, 40"})
    void importanceSwitchesOnOnlyWhereItsMeasuredCostPays(String engine, int sleepMillis) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("importance")
                .setting("policy.score", "scorer").scorer("heavy-tailed")
                .setting("scorer.sleepMillis", Integer.toString(sleepMillis)).backwardBatch(32).build();
        Recorder recorder = new Recorder();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("importance", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 5, data(m, 96), null, recorder);
            List<BatchResult> decided = recorder.batches.subList(8, recorder.batches.size()); // after the probes
            long scored = decided.stream().filter(BatchResult::scored).count();
            if (sleepMillis == 0) {
                assertThat(scored).as("on after the probes").isGreaterThanOrEqualTo(decided.size() * 8L / 10);
            } else {
                assertThat(scored).as("off after the probes").isZero();
                // measured, well above the τ of about 4 that heavy-tailed scores give: hence off
                assertThat(report.last().threshold()).as("measured price of scoring").isGreaterThan(5);
            }
            for (BatchResult batch : recorder.batches) {
                assertThat(batch.forwarded())
                        .isEqualTo((batch.scored() ? batch.batchSize() : 0) + batch.backPropagated());
            }
        }
    }

    /**
     * RHO-LOSS through {@code fit}: the reference models train before the first batch (two of 64 rows for the 3
     * epochs {@code ast.policy.referenceEpochs} sets over the recipe's 2, then 640 rows scored), counted in epoch 1
     * only; later epochs pay for their scoring passes alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void rhoLossCountsItsReferenceTrainingInTheFirstEpoch(String engine) throws Exception {
        // Two layers: a single linear layer's softmax gradients sum to exactly 0, which DJL's first step refuses.
        ReferenceTraining recipe = ReferenceTraining.builder(() -> new SequentialBlock()
                .add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()), new Shape(1, FEATURES)).holdOut(0.1).epochs(2)
                .batchSize(32).seed(1).build();
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("rho-loss").scorer("loss")
                .setting("policy.referenceEpochs", "3").backwardBatch(64).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("rho", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.builder(config).service(ReferenceTraining.class, recipe).build()
                    .fit(trainer, 3, data(m), data(m));
            long trainedByReference = 2L * 3 * 64;
            EpochStats first = report.epochs().get(0);
            assertThat(first.forwarded() - first.backPropagated()).isEqualTo(SAMPLES + SAMPLES);
            assertThat(first.backPropagated()).isEqualTo(Math.round(first.activationRate() * SAMPLES)
                    + trainedByReference);
            for (EpochStats later : report.epochs().subList(1, 3)) {
                assertThat(later.forwarded() - later.backPropagated()).isEqualTo(SAMPLES);
            }
            assertThat(first.energy().spent()).isGreaterThan(report.epochs().get(1).energy().spent());
        }
    }

    @Test
    void rhoLossWithoutAReferenceRecipeIsAClearError() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("rho-loss").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("service(ReferenceTraining.class");
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("rho-loss")
                .setting("policy.mode", "hard").build())).isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.policy.mode='hard' is unknown; use soft or top-k");
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("rho-loss")
                .setting("policy.referenceEpochs", "0").build())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.policy.referenceEpochs=0 is invalid; it must be >= 1");
    }

    /**
     * {@code importance} given a sampler it may resize trains batches of one step's rows while its switch is off
     * (scoring priced out of reach), and a run that resizes batches refuses checkpoints before anything trains.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void checkpointsOfAResizedRunAreRefused(String engine, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("importance")
                .setting("policy.costRatio", "100").backwardBatch(32).build();
        Rs2Sampler sampler = new Rs2Sampler(96, 0.25, false, 5);
        List<Integer> sizes = new ArrayList<>();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("importance", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            ArrayDataset train = dataBuilder(m).setSampling(sampler).build();
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.builder(config)
                    .service(AdjustableBatchSize.class, sampler).build();
            assertThatThrownBy(() -> ast.fit(trainer, 2, train, data(m), TrainingObserver.NONE,
                    Checkpointing.everyEpoch(dir)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("ast.policy=importance resizes the training set's batches");
            ast.fit(trainer, 2, train, data(m), new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    sizes.add(result.batchSize());
                }
            }, null);
        }
        assertThat(sizes.get(0)).as("the first presample, drawn before the switch was read").isEqualTo(96);
        assertThat(sizes.subList(1, sizes.size())).as("one step's rows while the switch is off").containsOnly(32);
    }

    @Test
    void stalenessAndBackwardBatchAreValidatedAtLoad() {
        assertThatThrownBy(() -> AstConfig.builder().backwardBatch(-1).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.backwardBatch=-1 is invalid");
        java.util.Properties p = new java.util.Properties();
        p.setProperty("ast.selection", "stale");
        p.setProperty("ast.staleness", "0");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.staleness=0 is invalid; it must be >= 1");
        p.setProperty("ast.staleness", "3");
        p.setProperty("ast.policy", "selective-backprop");
        p.setProperty("ast.policy.beta", "2");
        p.setProperty("ast.backwardBatch", "128");
        AstConfig config = AstConfig.fromProperties(p);
        assertThat(config.selection().staleness()).isEqualTo(3);
        assertThat(AstConfig.fromProperties(toProperties(config.toProperties()))).isEqualTo(config);
        assertThat(AstConfig.defaults().toProperties()).doesNotContainKeys("ast.policy", "ast.backwardBatch",
                "ast.staleness");
    }

    private static java.util.Properties toProperties(java.util.Map<String, String> map) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(map);
        return p;
    }

    /** A policy from the user's own jar is found by ServiceLoader and selected by name; unknown names list all. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCustomPolicyIsSelectedByName(String engine) throws Exception {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().policy("every-other").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Unknown policy 'every-other' (ast.policy); available: [")
                .hasMessageContaining("every-other-row").hasMessageContaining("gated")
                .hasMessageContaining("selective-backprop");
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("every-other-row").build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("custom", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 1, data(m), null);
            assertThat(report.last().activationRate()).isEqualTo(0.5);
            assertThat(report.last().backPropagated()).isEqualTo(SAMPLES / 2);
        }
    }

    /** A pooled queue carries rows across batches, keeps their order, and flushes the rest. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void thePoolReleasesRowsInOrderAcrossBatches(String engine) {
        try (NDManager run = Engine.getEngine(engine).newBaseManager();
                PooledAssembler pool = new PooledAssembler(5, run)) {
            List<Float> released = new ArrayList<>();
            float next = 0;
            for (int b = 0; b < 4; b++) {
                try (NDManager m = run.newSubManager()) {
                    float[] values = new float[4];
                    for (int i = 0; i < 4; i++) {
                        values[i] = next++;
                    }
                    NDArray x = m.create(values).reshape(4, 1);
                    Batch batch = new Batch(m, new NDList(x), new NDList(x.duplicate()), 4, null, null, b, 4);
                    // rows 1 and 3 of each batch: 1, 3, 5, 7, ...
                    Selection selection = Selection.of(m.create(new long[] {1, 3}), 2, 2, false);
                    for (StepRows step : pool.offer(batch, selection, null, null)) {
                        assertThat(step.count()).isEqualTo(5);
                        for (float v : step.data().head().toFloatArray()) {
                            released.add(v);
                        }
                    }
                }
            }
            assertThat(pool.queued()).isEqualTo(3);
            try (NDManager scratch = run.newSubManager()) {
                NDList saved = pool.export(scratch);
                pool.restore(saved);
            }
            try (NDManager scratch = run.newSubManager()) {
                for (StepRows step : pool.flush(scratch)) {
                    assertThat(step.count()).isEqualTo(3);
                    for (float v : step.data().head().toFloatArray()) {
                        released.add(v);
                    }
                }
            }
            assertThat(released).containsExactly(1f, 3f, 5f, 7f, 9f, 11f, 13f, 15f);
            assertThat(pool.queued()).isZero();
        }
    }
}
