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
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Gate;
import io.github.ast.api.RunRandom;
import io.github.ast.djl.checkpoint.CheckpointChecksums;
import io.github.ast.djl.checkpoint.CheckpointDirectory;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.djl.schedule.TrainingClock;
import io.github.ast.selection.gates.ProbabilisticGate;
import io.github.ast.selection.reference.ReferenceTraining;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Resume, determinism, bad input and memory, on both engines. */
class ReliabilityTest {

    private static final int SAMPLES = 1024;
    private static final int FEATURES = 8;
    private static final int CLASSES = 3;

    static ArrayDataset data(NDManager m) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32)
                .toType(DataType.FLOAT32, false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(0.5f).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, true).build();
    }

    /**
     * The trainer for a configuration: RHO-LOSS's reference recipe among its services (other policies ignore it), and
     * a clock that advances a fixed step per reading, so that the batch times {@code auto} and importance sampling
     * measure are the same in every run.
     */
    static AdaptiveSparseTrainer astFor(AstConfig config) {
        long[] now = {0};
        TrainingClock clock = new TrainingClock(() -> now[0] += 1_000_000); // 1 ms a reading: the same in every run
        clock.start();
        return AdaptiveSparseTraining.builder(config).service(TrainingClock.class, clock)
                .service(ReferenceTraining.class, ReferenceTraining.builder(
                () -> new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(CLASSES).build()), new Shape(1, FEATURES))
                .epochs(1).batchSize(32).seed(5).build()).build();
    }

    /** A model whose initial parameters depend on the seed; plain SGD, which has no state to lose. */
    static Trainer trainer(Model model, int initSeed) {
        return trainer(model, initSeed, null);
    }

    /** The same, restoring the latest checkpoint's parameters before the trainer is created, as resuming needs. */
    static Trainer trainer(Model model, int initSeed, Checkpointing restoreFrom) {
        return trainer(model, initSeed, restoreFrom, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f))
                .build());
    }

    private static Trainer trainer(Model model, int initSeed, Checkpointing restoreFrom, Optimizer optimizer) {
        model.getNDManager().getEngine().setRandomSeed(initSeed);
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()));
        if (restoreFrom != null) {
            try {
                restoreFrom.restoreParameters(model, new Shape(1, FEATURES));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** History selection with exploration and 1/p weights; randomness restarts every 5 batches. */
    static AstConfig config(String engine) {
        return AstConfig.builder().engine(engine).targetRate(0.25).meter("none").reseedEvery(5)
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0)).build();
    }

    /** Every parameter value of a trainer's model, in order. */
    static float[] parameters(Trainer trainer) {
        List<Float> values = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            for (float v : p.getValue().getArray().toFloatArray()) {
                values.add(v);
            }
        }
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    /** What a run ends with: its model's parameters and its report. */
    record Run(float[] parameters, RunReport report) {}

    /** Trains a fresh model (initialised with seed 7) without checkpoints, validating on the training data. */
    static Run uninterrupted(String engine, AstConfig config, int epochs) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("uninterrupted", Device.cpu(), engine);
                Trainer trainer = trainer(model, 7)) {
            RunReport report = astFor(config).fit(trainer, epochs, data(m), data(m));
            return new Run(parameters(trainer), report);
        }
    }

    /**
     * Starts the run of {@code config(engine)} again from its checkpoints, in a model initialised otherwise (seed 99)
     * whose parameters the checkpoint must replace, validating on the training data.
     */
    static Run resumed(String engine, int epochs, Checkpointing checkpointing) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("resumed", Device.cpu(), engine);
                Trainer trainer = trainer(model, 99, checkpointing)) {
            RunReport report = AdaptiveSparseTraining.create(config(engine)).fit(trainer, epochs, data(m), data(m),
                    TrainingObserver.NONE, checkpointing);
            return new Run(parameters(trainer), report);
        }
    }

    /** An observer that stops the run after some epochs, as an early-stopping rule does. */
    private static TrainingObserver stopAfter(int epochs) {
        return new TrainingObserver() {
            @Override
            public boolean continueTraining(EpochStats stats) {
                return stats.epoch() < epochs;
            }
        };
    }

    /**
     * Crashed in epoch 3 after the checkpoint of epoch 2 and resumed, a run ends with the parameters and the figures
     * (validation included, the epoch lines to the character but for times) of an uninterrupted one without
     * checkpoints, and the checkpoint records the configuration, versions, batch size and training-set size.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anInterruptedAndResumedRunEndsLikeAnUninterruptedOne(String engine, @TempDir Path dir) throws Exception {
        Run reference = uninterrupted(engine, config(engine), 4);
        Checkpointing checkpointing = Checkpointing.everyEpoch(dir.resolve("ckpt"));
        List<float[]> afterTwo = new ArrayList<>();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            TrainingObserver crashInEpochThree = new TrainingObserver() {
                @Override
                public void onEpoch(EpochStats stats) {
                    if (stats.epoch() == 2) {
                        afterTwo.add(parameters(trainer));
                    }
                }

                @Override
                public void onBatch(int epoch, BatchResult result) {
                    if (epoch == 3) {
                        throw new IllegalStateException("simulated crash");
                    }
                }
            };
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), data(m),
                    crashInEpochThree, checkpointing)).hasMessage("simulated crash");
        }
        assertThat(Files.readString(checkpointing.directory().resolve("latest"))).isEqualTo("epoch-0002");
        CheckpointStore.State state = CheckpointStore.readState(checkpointing.directory().resolve("epoch-0002"));
        assertThat(state.config()).isEqualTo(config(engine).toProperties());
        assertThat(state.provenance().engine()).isEqualTo(engine);
        assertThat(state.provenance().djlVersion()).isEqualTo(Engine.getDjlVersion());
        assertThat(state.provenance().engineVersion()).isEqualTo(Engine.getEngine(engine).getVersion());
        assertThat(state.provenance().javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(List.of(state.epoch(), state.epochs(), state.batchSize())).containsExactly(2, 4, 64);
        assertThat(state.trainingSize()).isEqualTo(SAMPLES);
        assertThat(state.stoppedEarly()).isFalse();
        assertThat(state.history()).hasSize(2);
        Path afterTwoEpochs = copy(checkpointing.directory(), dir.resolve("copy"));

        // Another initialisation, which the checkpoint's parameters must replace.
        float[] resumed;
        RunReport second;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("c", Device.cpu(), engine);
                Trainer trainer = trainer(model, 99, checkpointing)) {
            assertThat(parameters(trainer)).containsExactly(afterTwo.get(0));
            second = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), data(m),
                    TrainingObserver.NONE, checkpointing);
            resumed = parameters(trainer);
        }
        assertThat(resumed).isNotEqualTo(afterTwo.get(0)).containsExactly(reference.parameters());
        assertSameFigures(second, reference.report());

        if (engine.equals("PyTorch")) {
            // On PyTorch fit also restores the parameters in place into a trainer that already exists.
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("d", Device.cpu(), engine); Trainer trainer = trainer(model, 99)) {
                RunReport inPlace = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), data(m),
                        TrainingObserver.NONE, Checkpointing.everyEpoch(afterTwoEpochs));
                assertThat(parameters(trainer)).containsExactly(reference.parameters());
                assertSameFigures(inPlace, reference.report());
            }
        }
    }

    /**
     * A crash in the middle of an epoch, after a checkpoint written every few batches: the resumed run skips the
     * batches the checkpoint covers and ends like an uninterrupted run with the same configuration and no
     * checkpoints (randomness restarts from seeds every {@code ast.reseedEvery} batches, checkpoints or not), fresh
     * scoring with the probabilistic gate and fallback, history selection with exploration, and Selective Backprop
     * pooled into steps of 48 rows (its window of recent losses and the queue of rows waiting for a step are
     * checkpointed), fresh and stale (epoch 2 selects from the history epoch 1's scoring passes recorded), and
     * importance sampling whose switch turns it on and off (its τ and batch counts are checkpointed), and RHO-LOSS
     * (its table of irreducible losses is checkpointed: the resumed run does not train the reference again), and the
     * published system scoring one batch in 3 (the resumed epoch continues at batch 10, which a restart at 0 would
     * score afresh).
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, fresh", "MXNet, fresh", "PyTorch, history", "MXNet, history", "PyTorch, sb", "MXNet, sb",
        "PyTorch, stale-sb", "MXNet, stale-sb", "PyTorch, importance", "MXNet, importance",
        "PyTorch, rho-loss", "MXNet, rho-loss", "PyTorch, score-every", "MXNet, score-every", "PyTorch, auto",
        "MXNet, auto", "PyTorch, published-code", "MXNet, published-code"})
    void aRunCrashedMidEpochResumesFromItsBatchPosition(String engine, String mode, @TempDir Path dir)
            throws Exception {
        AstConfigBuilder pooled = AstConfig.builder().engine(engine).meter("none").reseedEvery(5)
                .policy("selective-backprop").scorer("loss").backwardBatch(48);
        AstConfig config = switch (mode) {
            case "history" -> config(engine);
            case "sb" -> pooled.build();
            // a fixed price of scoring, so that the switch decides alike in both runs
            case "rho-loss" -> pooled.policy("rho-loss").build();
            case "importance" -> pooled.policy("importance").setting("policy.costRatio", "0.1").backwardBatch(21)
                    .build();
            // trials of 5 windows of 2 batches: the crash and the checkpoint fall within trials
            case "auto" -> pooled.policy("auto").setting("policy.candidates", "prune@0.3,sb@1")
                    .setting("policy.window", "2").setting("policy.hold", "0").setting("policy.park", "1")
                    .setting("policy.holdout", "64").build();
            // the energy budget and the cumulative rate carry over the crash
            case "published-code" -> ConfigPresets.builder("published-code").engine(engine).targetRate(0.25)
                    .meter("none").reseedEvery(5).build();
            case "stale-sb" -> pooled.selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0))
                    .build();
            case "score-every" -> AstConfig.builder().engine(engine).targetRate(0.25).meter("none").reseedEvery(5)
                    .scoring(new ScoringPass(3, 1)).build();
            default -> AstConfig.builder().engine(engine).targetRate(0.25).meter("none").gate("probabilistic")
                    .minActive(20).reseedEvery(5).build();
        };
        Run reference = uninterrupted(engine, config, 3);
        if (mode.equals("fresh")) {
            assertThat(reference.report().epochs().stream().mapToInt(EpochStats::fallbackBatches).sum())
                    .as("the fallback is exercised").isGreaterThan(0);
        }
        if (mode.equals("importance")) {
            assertThat(reference.report().epochs().stream().mapToInt(EpochStats::scoredBatches).sum())
                    .as("batches with and without importance sampling").isBetween(1, 3 * 16 - 1);
        }

        Checkpointing checkpointing = Checkpointing.everyBatches(dir.resolve("crashed"), 5);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            assertThatThrownBy(() -> astFor(config).fit(trainer, 3, data(m), data(m),
                    crashAt(2, 13), checkpointing)).hasMessage("simulated crash");
        }
        // 16 batches per epoch: checkpoints after batches 5, 10, 15 and at the end of epoch 1, then 5 and 10.
        assertThat(Files.readString(checkpointing.directory().resolve("latest"))).isEqualTo("epoch-0002-batch-000010");
        try (var children = Files.list(checkpointing.directory())) {
            assertThat(children.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("epoch-")).sorted())
                    .as("the newest three are kept")
                    .containsExactly("epoch-0001", "epoch-0002-batch-000005", "epoch-0002-batch-000010");
        }

        RunReport second;
        float[] resumed;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("c", Device.cpu(), engine);
                Trainer trainer = trainer(model, 99, checkpointing)) {
            List<Integer> epochsRun = new ArrayList<>();
            second = astFor(config).fit(trainer, 3, data(m), data(m), new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    epochsRun.add(epoch);
                }
            }, checkpointing);
            resumed = parameters(trainer);
            assertThat(epochsRun).as("6 batches of epoch 2, then epoch 3").hasSize(6 + 16).startsWith(2, 2, 2, 2, 2, 2, 3);
        }
        Run matched = reference;
        if (!java.util.Arrays.equals(resumed, reference.parameters())) {
            // CI saw this once (MXNet, score-every): the uninterrupted run, not the resumed one, ended elsewhere,
            // while the resumed run equalled this machine's uninterrupted run bit for bit; 120 repeats here never
            // differed. A second uninterrupted run tells a rare engine flake from a resume that is not exact.
            System.err.printf("%s, %s: the resumed run differs from the uninterrupted one; running that again%n",
                    engine, mode);
            matched = uninterrupted(engine, config, 3);
        }
        assertThat(resumed).as("%s, %s: the resumed run's parameters", engine, mode)
                .containsExactly(matched.parameters());
        assertSameFigures(second, matched.report());
        assertThat(second.decisions()).as("the trials' outcomes").isEqualTo(matched.report().decisions());
        if (mode.equals("auto")) {
            assertThat(second.decisions()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /**
     * With Adam, exact resumption needs the optimiser's moments: a {@link ResumableAdam} given to the checkpoints
     * carries them across a mid-epoch crash, and without it the resumed run ends elsewhere.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void adamResumesExactlyWhenItsStateIsCheckpointed(String engine, @TempDir Path dir) throws Exception {
        AstConfig config = config(engine);
        float[] uninterrupted;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), engine);
                Trainer trainer = trainer(model, 7, null, adam())) {
            AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null);
            uninterrupted = parameters(trainer);
        }
        List<float[]> resumed = new ArrayList<>();
        for (boolean withState : new boolean[] {true, false}) {
            Path checkpoints = dir.resolve("crashed-" + withState);
            ResumableAdam first = adam();
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("b", Device.cpu(), engine);
                    Trainer trainer = trainer(model, 7, null, first)) {
                Checkpointing checkpointing = Checkpointing.everyBatches(checkpoints, 5);
                assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null,
                        crashAt(2, 13), withState ? checkpointing.withOptimizer(first) : checkpointing))
                        .hasMessage("simulated crash");
            }
            ResumableAdam second = adam();
            Checkpointing checkpointing = Checkpointing.everyBatches(checkpoints, 5);
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("c", Device.cpu(), engine);
                    Trainer trainer = trainer(model, 99, checkpointing, second)) {
                AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null, TrainingObserver.NONE,
                        withState ? checkpointing.withOptimizer(second) : checkpointing);
                resumed.add(parameters(trainer));
            }
        }
        assertThat(resumed.get(0)).containsExactly(uninterrupted);
        float gap = 0;
        for (int i = 0; i < uninterrupted.length; i++) {
            gap = Math.max(gap, Math.abs(resumed.get(1)[i] - uninterrupted[i]));
        }
        assertThat(gap).as("without the optimiser's state Adam restarts").isGreaterThan(1e-3f);
    }

    private static ResumableAdam adam() {
        return ResumableAdam.builder().optLearningRateTracker(Tracker.fixed(0.01f)).build();
    }

    /** An observer that throws after a given batch of an epoch, as a crash would. */
    static TrainingObserver crashAt(int epoch, int batch) {
        return new TrainingObserver() {
            private int batches;

            @Override
            public void onBatch(int current, BatchResult result) {
                if (current == epoch && ++batches == batch) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
    }

    /** On MXNet, parameters restored after the trainer exists would be undone by its first step: a clear error. */
    @Test
    void resumingOnMxnetWithoutRestoringBeforeTheTrainerIsAClearError(@TempDir Path dir) throws Exception {
        String engine = "MXNet";
        Checkpointing checkpointing = Checkpointing.everyEpoch(dir);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config(engine)).fit(trainer, 1, data(m), null, TrainingObserver.NONE,
                    checkpointing);
        }
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("c", Device.cpu(), engine); Trainer trainer = trainer(model, 99)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), null,
                    TrainingObserver.NONE, checkpointing)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("does not hold the parameters of checkpoint")
                    .hasMessageContaining("checkpointing.restoreParameters(model, inputShapes) before model.newTrainer");
        }
    }

    @Test
    void checkpointSettingsAreValidated(@TempDir Path dir) {
        assertThatThrownBy(() -> new Checkpointing(dir, 0, 0, 3, true, null)).isInstanceOf(ConfigurationException.class)
                .hasMessage("checkpoint everyEpochs=0 must be >= 1");
        assertThatThrownBy(() -> new Checkpointing(dir, 1, -2, 3, true, null)).isInstanceOf(ConfigurationException.class)
                .hasMessage("checkpoint everyBatches=-2 must be >= 0 (0 checkpoints at epoch ends only)");
        assertThatThrownBy(() -> new Checkpointing(dir, 1, 0, 0, true, null)).isInstanceOf(ConfigurationException.class)
                .hasMessage("checkpoint keep=0 must be >= 1");
        assertThatThrownBy(() -> Checkpointing.everyBatches(dir, 0)).isInstanceOf(ConfigurationException.class)
                .hasMessage("checkpoint every 0 batches: must be >= 1");
    }

    /** Starting afresh into a directory with another run's checkpoints would overwrite them: refused. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void startingAfreshOverAnotherRunsCheckpointsIsRefused(String engine, @TempDir Path dir) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config(engine)).fit(trainer, 1, data(m), null, TrainingObserver.NONE,
                    Checkpointing.everyEpoch(dir));
            Checkpointing afresh = new Checkpointing(dir, 1, 0, 3, false, null);
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 1, data(m), null,
                    TrainingObserver.NONE, afresh)).isInstanceOf(ConfigurationException.class)
                    .hasMessage("checkpoint directory " + dir + " holds another run's checkpoints [epoch-0001] and "
                            + "resume is off; resume from them or choose an empty directory");
            assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0001");
        }
    }

    /** Resuming on another training set is a clear error, not a silent skip of the wrong batches. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCheckpointOfAnotherTrainingSetIsRejected(String engine, @TempDir Path dir) throws Exception {
        Checkpointing checkpointing = Checkpointing.everyBatches(dir, 10);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            TrainingObserver crash = new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    if (epoch == 1 && result.batchSize() > 0 && Files.exists(dir.resolve("latest"))) {
                        throw new IllegalStateException("simulated crash");
                    }
                }
            };
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), null,
                    crash, checkpointing)).hasMessage("simulated crash");
        }
        assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0001-batch-000010");
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine);
                Trainer trainer = trainer(model, 7, checkpointing)) {
            ArrayDataset smaller = new ArrayDataset.Builder().setData(m.zeros(new Shape(256, FEATURES)))
                    .optLabels(m.zeros(new Shape(256))).setSampling(64, true).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, smaller, null,
                    TrainingObserver.NONE, checkpointing)).isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith("was written for a training set of 1024 samples but this one has 256 "
                            + "(-1: unknown); resuming needs the same data");
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
        return to;
    }

    private static void assertSameFigures(RunReport resumed, RunReport reference) {
        assertThat(resumed.epochs()).hasSameSizeAs(reference.epochs());
        for (int e = 0; e < reference.epochs().size(); e++) {
            EpochStats a = reference.epochs().get(e);
            EpochStats b = resumed.epochs().get(e);
            assertThat(b.batches()).isEqualTo(a.batches());
            assertThat(b.fallbackBatches()).isEqualTo(a.fallbackBatches());
            assertThat(b.activationRate()).isEqualTo(a.activationRate());
            assertThat(b.gateRate()).isEqualTo(a.gateRate());
            // bit for bit, so that a policy without a threshold (NaN) compares equal to itself
            assertThat(Double.doubleToLongBits(b.threshold())).isEqualTo(Double.doubleToLongBits(a.threshold()));
            assertThat(b.trainLoss()).isEqualTo(a.trainLoss());
            assertThat(b.trainAccuracy()).isEqualTo(a.trainAccuracy());
            assertThat(b.validationLoss()).isEqualTo(a.validationLoss());
            assertThat(b.validationAccuracy()).isEqualTo(a.validationAccuracy());
            assertThat(b.skippedBatches()).isEqualTo(a.skippedBatches());
            assertThat(b.phase()).isEqualTo(a.phase());
            assertThat(b.targetRate()).isEqualTo(a.targetRate());
            assertThat(b.energies()).isEqualTo(a.energies());
            assertThat(withoutTime(b.line())).isEqualTo(withoutTime(a.line()));
        }
    }

    /** An epoch line without its seconds, the one figure two runs never share. */
    private static String withoutTime(String line) {
        return line.replaceAll(" \\| \\d+\\.\\ds \\|", " |");
    }

    /**
     * The same seed gives the same selected samples in every batch (the probabilistic gate draws from the run's
     * generator, which the trainer re-seeds from the configured seed: every run's gate starts from the same state
     * here), the same parameters and the same figures in every epoch; another seed gives other selections.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theSameSeedGivesTheSameSelectionsAndMetrics(String engine) throws Exception {
        List<List<List<Boolean>>> selections = new ArrayList<>();
        List<RunReport> reports = new ArrayList<>();
        List<float[]> parameters = new ArrayList<>();
        for (long seed : new long[] {42, 42, 43}) {
            List<List<Boolean>> masks = new ArrayList<>();
            RunRandom random = new RunRandom(0);
            Gate probabilistic = new ProbabilisticGate(0.05, random);
            Gate recording = (significance, threshold) -> {
                NDArray mask = probabilistic.select(significance, threshold);
                List<Boolean> values = new ArrayList<>();
                for (boolean selected : mask.toBooleanArray()) {
                    values.add(selected);
                }
                masks.add(values);
                return mask;
            };
            AstConfig fresh = AstConfig.builder().engine(engine).targetRate(0.25).meter("none").gate("probabilistic")
                    .seed(seed).reseedEvery(3).build();
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("d", Device.cpu(), engine); Trainer trainer = trainer(model, 3)) {
                reports.add(AdaptiveSparseTraining.builder(fresh).service(RunRandom.class, random)
                        .overrides(binder -> binder.bind(Gate.class).toInstance(recording)).build()
                        .fit(trainer, 2, data(m), data(m)));
                parameters.add(parameters(trainer));
            }
            selections.add(masks);
        }
        assertThat(selections.get(0)).hasSize(2 * SAMPLES / 64);
        assertThat(selections.get(1)).isEqualTo(selections.get(0));
        assertThat(parameters.get(1)).containsExactly(parameters.get(0));
        assertSameFigures(reports.get(1), reports.get(0));
        assertThat(selections.get(2)).as("another seed selects other samples").isNotEqualTo(selections.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCheckpointFromAnotherConfigurationIsRejected(String engine, @TempDir Path dir) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("e", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config(engine)).fit(trainer, 1, data(m), null, TrainingObserver.NONE,
                    Checkpointing.everyEpoch(dir));
            AstConfig other = config(engine).toBuilder().targetRate(0.5).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(other).fit(trainer, 2, data(m), null,
                    TrainingObserver.NONE, Checkpointing.everyEpoch(dir)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("another configuration")
                    .hasMessageContaining("ast.targetRate=checkpoint 0.25, this run 0.5");
        }
    }

    /**
     * A crash after any step of a checkpoint write leaves {@code latest} naming a complete checkpoint: the previous
     * one until the new one is published, the new one after; a resumed run then ends like an uninterrupted one, and
     * the next write cleans up what the crash left.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCrashWhileWritingLeavesTheLatestCheckpointUsable(String engine, @TempDir Path dir) throws Exception {
        float[] uninterrupted = uninterrupted(engine, config(engine), 3).parameters();
        for (String step : CheckpointDirectory.Steps.ORDER) {
            Path directory = dir.resolve(step.replace(' ', '-'));
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("f", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
                assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 3, data(m), null,
                        crashAt(3, 1), Checkpointing.everyEpoch(directory))).hasMessage("simulated crash");
                // Write epoch 2's checkpoint again as epoch 3's, crashing after the step.
                CheckpointStore.State written = CheckpointStore.readState(directory.resolve("epoch-0002"));
                CheckpointStore.State next = new CheckpointStore.State(written.config(), written.provenance(), 3, 3,
                        written.controller(), written.history(), null, written.batchSize(), written.trainingSize(),
                        false, written.runId());
                CheckpointDirectory<CheckpointStore.State> crashing = new CheckpointDirectory<>(directory, 1,
                        CheckpointStore.State.class, completed -> {
                            if (completed.equals(step)) {
                                throw new IOException("simulated crash after: " + step);
                            }
                        }, CheckpointDirectory.Deletion.RECURSIVE);
                assertThatThrownBy(() -> crashing.save(next, trainer.getModel().getBlock(), Map.of())).hasMessage("simulated crash after: " + step);
            }
            boolean published = CheckpointDirectory.Steps.ORDER.indexOf(step)
                    >= CheckpointDirectory.Steps.ORDER.indexOf("published");
            Path latest = CheckpointStore.open(directory, 3).latest().orElseThrow();
            assertThat(latest.getFileName().toString()).as("after a crash at '%s'", step)
                    .isEqualTo(published ? "epoch-0003" : "epoch-0002");
            assertThat(CheckpointStore.readState(latest).epoch()).isEqualTo(published ? 3 : 2);
            if (published) {
                continue;
            }
            // Resuming from the previous checkpoint ends like the uninterrupted run, and its next write removes what
            // the crash left.
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("f", Device.cpu(), engine);
                    Trainer trainer = trainer(model, 99, Checkpointing.everyEpoch(directory))) {
                AdaptiveSparseTraining.create(config(engine)).fit(trainer, 3, data(m), null, TrainingObserver.NONE,
                        Checkpointing.everyEpoch(directory));
                assertThat(parameters(trainer)).containsExactly(uninterrupted);
            }
            try (var children = Files.list(directory)) {
                assertThat(children.map(p -> p.getFileName().toString()).sorted()).as("after a crash at '%s'", step)
                        .containsExactly("epoch-0001", "epoch-0002", "epoch-0003", "latest");
            }
        }

        // A pointer to a damaged checkpoint is a clear error, not a silent restart.
        Path damaged = dir.resolve("files-written");
        Files.writeString(damaged.resolve("epoch-0003").resolve("state.json"), "{\"config\": ");
        Files.delete(damaged.resolve("epoch-0003").resolve(CheckpointChecksums.FILE)); // as an earlier version wrote
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("f", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), null,
                    TrainingObserver.NONE, Checkpointing.everyEpoch(damaged))).isInstanceOf(IOException.class)
                    .hasMessageContaining("is not a valid checkpoint state");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void badBatchesFailClearlyBeforeTheEngine(String engine) throws Exception {
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).build());
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("g", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            try (Batch labels = batch(m, m.ones(new Shape(4, FEATURES)), m.create(new float[] {0, 1, 7, 2}))) {
                assertThatThrownBy(() -> ast.trainBatch(trainer, labels)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("labels range over [0.0, 7.0] but the model has 3 outputs: labels must be "
                                + "integers in [0, 2]");
            }
            try (Batch shape = batch(m, m.ones(new Shape(4, FEATURES + 1)), m.zeros(new Shape(4)))) {
                assertThatThrownBy(() -> ast.trainBatch(trainer, shape)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("input 0 has shape (4, 9) but the model was initialised for (batch, 8)");
            }
            try (Batch fractional = batch(m, m.ones(new Shape(4, FEATURES)), m.create(new float[] {0, 0.5f, 2, 1}))) {
                assertThatThrownBy(() -> ast.trainBatch(trainer, fractional))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("labels range over [0.0, 2.0] (not all integers) but the model has 3 outputs: "
                                + "labels must be integers in [0, 2]");
            }
            try (Batch one = batch(m, m.ones(new Shape(1, FEATURES)), m.zeros(new Shape(1)))) {
                BatchResult result = ast.trainBatch(trainer, one);
                assertThat(result.skipped()).isFalse();
                assertThat(result.trained()).isEqualTo(1);
            }
            // At a 100% target batches train unscored: the training step checks the labels, as clearly.
            AdaptiveSparseTrainer full = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine)
                    .targetRate(1.0).build());
            for (float[] bad : new float[][] {{0, 1, 7, 2}, {0, -1, 2, 1}, {0, Float.NaN, 2, 1}}) {
                try (Batch labels = batch(m, m.ones(new Shape(4, FEATURES)), m.create(bad))) {
                    assertThatThrownBy(() -> full.trainBatch(trainer, labels))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels range over")
                            .hasMessageEndingWith("labels must be integers in [0, 2]");
                }
            }
        }
    }

    /** Validation batches get the same checks as training batches, before the engine sees them. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void badValidationDataFailsClearlyBeforeTheEngine(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("v", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            ArrayDataset badLabels = new ArrayDataset.Builder().setData(m.ones(new Shape(8, FEATURES)))
                    .optLabels(m.create(new float[] {0, 1, 2, 5, 0, 1, 2, 0})).setSampling(4, false).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 1, data(m), badLabels))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("labels range over [0.0, 5.0] but the model has 3 outputs: labels must be integers "
                            + "in [0, 2]");
            ArrayDataset badShape = new ArrayDataset.Builder().setData(m.ones(new Shape(8, FEATURES - 1)))
                    .optLabels(m.zeros(new Shape(8))).setSampling(4, false).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 1, data(m), badShape))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("input 0 has shape (4, 7) but the model was initialised for (batch, 8)");
        }
    }

    /**
     * Resuming refuses what would silently train other samples than the uninterrupted run: another batch size, fewer
     * epochs than already trained, another total while a schedule depends on it, and a batch checkpoint cadence off
     * the grid where randomness restarts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumeRefusesAnotherBatchSizeOrEpochCountAndCadencesOffTheReseedGrid(String engine, @TempDir Path dir)
            throws Exception {
        Checkpointing checkpointing = Checkpointing.everyBatches(dir, 5);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("r", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine).toBuilder().reseedEvery(3).build())
                    .fit(trainer, 2, data(m), null, TrainingObserver.NONE, checkpointing))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("checkpoint every 5 batches is not a multiple of ast.reseedEvery=3: randomness "
                            + "restarts from seeds only at multiples of it, so a resume from such a checkpoint could "
                            + "not continue as the uninterrupted run does; checkpoint every multiple of 3 batches, or "
                            + "set ast.reseedEvery to a divisor of 5");
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), null,
                    crashAt(2, 7), checkpointing)).hasMessage("simulated crash");
        }
        assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0002-batch-000005");
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("s", Device.cpu(), engine);
                Trainer trainer = trainer(model, 7, checkpointing)) {
            ArrayDataset halfBatches = new ArrayDataset.Builder().setData(m.ones(new Shape(SAMPLES, FEATURES)))
                    .optLabels(m.zeros(new Shape(SAMPLES))).setSampling(32, true).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, halfBatches, null,
                    TrainingObserver.NONE, checkpointing)).isInstanceOf(ConfigurationException.class)
                    .hasMessage("the checkpoint was written by a run whose batches hold 64 samples but this run's "
                            + "first batch holds 32; resuming needs the same batch size");
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 1, data(m), null,
                    TrainingObserver.NONE, checkpointing)).isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith("was written in epoch 2 of a run of 2 epochs; this run asks for 1, fewer "
                            + "than it has trained: resume with epochs >= 2 or choose another directory");
            AstConfig annealing = config(engine).toBuilder()
                    .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 1)).build();
            Path other = dir.resolve("annealing");
            AdaptiveSparseTraining.create(annealing).fit(trainer, 3, data(m), null, stopAfter(1),
                    Checkpointing.everyEpoch(other));
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(annealing).fit(trainer, 4, data(m), null,
                    TrainingObserver.NONE, Checkpointing.everyEpoch(other))).isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith("was written by a run of 3 epochs; this run asks for 4, and ast.annealEpochs "
                            + "/ ast.targetStart schedule the epochs by that total: resume with epochs=3");
        }
    }

    /**
     * A run its observer stopped early stays stopped when the same command runs again; a run that finished all its
     * epochs, given more, continues exactly like a longer uninterrupted run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRunStoppedEarlyStaysStoppedAndAFinishedRunCanBeExtended(String engine, @TempDir Path dir) throws Exception {
        Run fourEpochs = uninterrupted(engine, config(engine), 4);
        Checkpointing stopped = Checkpointing.everyEpoch(dir.resolve("stopped"));
        Checkpointing finished = Checkpointing.everyEpoch(dir.resolve("finished"));
        float[] afterTwo;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            assertThat(AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), data(m), stopAfter(2),
                    stopped).epochs()).hasSize(2);
            afterTwo = parameters(trainer);
        }
        assertThat(CheckpointStore.readState(stopped.directory().resolve("epoch-0002")).stoppedEarly()).isTrue();
        Run again = resumed(engine, 4, stopped);
        assertThat(again.report().epochs()).hasSize(2);
        assertThat(again.parameters()).containsExactly(afterTwo);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("d", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), data(m), TrainingObserver.NONE,
                    finished);
        }
        assertThat(CheckpointStore.readState(finished.directory().resolve("epoch-0002")).stoppedEarly()).isFalse();
        Run extended = resumed(engine, 4, finished);
        assertThat(extended.parameters()).containsExactly(fourEpochs.parameters());
        assertThat(extended.report().epochs()).hasSize(4);
        for (int e = 0; e < 4; e++) {
            assertThat(extended.report().epochs().get(e).validationLoss())
                    .isEqualTo(fourEpochs.report().epochs().get(e).validationLoss());
        }
    }

    /** A checkpoint from another engine, or of another network, is refused with both sides named. */
    @Test
    void aCheckpointOfAnotherEngineOrNetworkIsRejected(@TempDir Path dir) throws Exception {
        Checkpointing checkpointing = Checkpointing.everyEpoch(dir);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), "PyTorch"); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config("")).fit(trainer, 1, data(m), null, TrainingObserver.NONE,
                    checkpointing);
        }
        try (NDManager m = Engine.getEngine("MXNet").newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), "MXNet"); Trainer trainer = trainer(model, 7)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config("")).fit(trainer, 2, data(m), null,
                    TrainingObserver.NONE, checkpointing)).isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith("was written on PyTorch; this run uses MXNet, whose parameters and "
                            + "randomness differ");
        }
        try (Model model = Model.newInstance("c", Device.cpu(), "PyTorch")) {
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(32).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(CLASSES).build()));
            assertThatThrownBy(() -> checkpointing.restoreParameters(model, new Shape(1, FEATURES)))
                    .isInstanceOf(IOException.class).hasMessageContaining("has shape (16, 8) in the checkpoint but "
                            + "(32, 8) in this model");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void noEngineArraysLeakAcrossBatches(String engine, @TempDir Path dir) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").reseedEvery(7)
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("h", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            ArrayDataset train = data(m);
            AdaptiveSparseTraining.create(config).fit(trainer, 2, train, train);
            NDManager root = root(m);
            int before = liveResources(root);
            // Within the run too, between epochs (all batch arrays closed): the count after epoch 2 and after epoch 20
            // is the same (PyTorch once kept ~29 arrays per batch on the history's manager until fit returned).
            List<Integer> during = new ArrayList<>();
            TrainingObserver counting = new TrainingObserver() {
                @Override
                public void onEpoch(EpochStats stats) {
                    if (stats.epoch() == 2 || stats.epoch() == 20) {
                        try {
                            during.add(liveResources(root));
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            AdaptiveSparseTraining.create(config).fit(trainer, 20, train, train, counting); // 320 training batches
            int after = liveResources(root);
            assertThat(during).hasSize(2);
            assertThat(during.get(1)).as("live engine resources after epochs 2 and 20: %s", during)
                    .isEqualTo(during.get(0));

            // Selective Backprop, pooled and stale: its window, the queue and the history stay flat too.
            AstConfig pooled = AstConfig.builder().engine(engine).meter("none").reseedEvery(7)
                    .policy("selective-backprop").scorer("loss").backwardBatch(48)
                    .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0)).build();
            during.clear();
            AdaptiveSparseTraining.create(pooled).fit(trainer, 20, train, train, counting);
            assertThat(during).hasSize(2);
            assertThat(during.get(1)).as("pooled: live engine resources after epochs 2 and 20: %s", during)
                    .isEqualTo(during.get(0));
            assertThat(liveResources(root)).as("pooled: after the run").isEqualTo(before);
            // Every batch creates dozens of arrays (scores, masks, selections, outputs); none may survive it.
            assertThat(after).as("live engine resources before %d, after %d", before, after).isEqualTo(before);

            // Writing checkpoints every 7 batches, then resuming from them, leaves nothing behind either.
            Checkpointing checkpointing = Checkpointing.everyBatches(dir, 7);
            AdaptiveSparseTraining.create(config).fit(trainer, 4, train, train, TrainingObserver.NONE, checkpointing);
            AdaptiveSparseTraining.create(config).fit(trainer, 8, train, train, TrainingObserver.NONE, checkpointing);
            int afterCheckpoints = liveResources(root);
            assertThat(afterCheckpoints).as("live engine resources before %d, after checkpoints %d", before,
                    afterCheckpoints).isEqualTo(before);
        }
    }

    private static NDManager root(NDManager manager) {
        NDManager root = manager;
        while (root.getParentManager() != null && root.getParentManager() != root) {
            root = root.getParentManager();
        }
        return root;
    }

    /** Counts every array and sub-manager still attached below a manager (DJL keeps them in a protected map). */
    @SuppressWarnings("unchecked")
    private static int liveResources(NDManager manager) throws ReflectiveOperationException {
        java.lang.reflect.Field field = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        field.setAccessible(true);
        java.util.Map<String, AutoCloseable> resources = (java.util.Map<String, AutoCloseable>) field.get(manager);
        int count = 0;
        for (AutoCloseable resource : resources.values()) {
            count++;
            if (resource instanceof NDManager child) {
                count += liveResources(child);
            }
        }
        return count;
    }

    private static Batch batch(NDManager m, NDArray x, NDArray y) {
        return new Batch(m.newSubManager(), new NDList(x), new NDList(y), (int) x.getShape().get(0), null, null, 0, 1);
    }

}
