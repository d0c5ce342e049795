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
import io.github.ast.core.optim.ResumableAdam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    private static ArrayDataset data(NDManager m) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32)
                .toType(DataType.FLOAT32, false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(0.5f).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, true).build();
    }

    /** A model whose initial parameters depend on the seed; plain SGD, which has no state to lose. */
    private static Trainer trainer(Model model, int initSeed) {
        return trainer(model, initSeed, null);
    }

    /** The same, restoring the latest checkpoint's parameters before the trainer is created, as resuming needs. */
    private static Trainer trainer(Model model, int initSeed, Checkpointing restoreFrom) {
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

    private static AstConfig config(String engine) {
        return AstConfig.builder().engine(engine).targetRate(0.25).meter("none")
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0)).build();
    }

    private static float[] parameters(Trainer trainer) {
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

    /** An observer that stops after some epochs, as a crash would. */
    private static TrainingObserver stopAfter(int epochs) {
        return new TrainingObserver() {
            @Override
            public boolean continueTraining(EpochStats stats) {
                return stats.epoch() < epochs;
            }
        };
    }

    /** Interrupted at an epoch's end and resumed, a run ends with the parameters and figures of an uninterrupted one. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anInterruptedAndResumedRunEndsLikeAnUninterruptedOne(String engine, @TempDir Path dir) throws Exception {
        float[] uninterrupted;
        RunReport reference;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            reference = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), null);
            uninterrupted = parameters(trainer);
        }
        Checkpointing checkpointing = Checkpointing.everyEpoch(dir.resolve("ckpt"));
        float[] afterTwo;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            RunReport first = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), null,
                    stopAfter(2), checkpointing);
            assertThat(first.epochs()).hasSize(2);
            afterTwo = parameters(trainer);
        }
        assertThat(Files.readString(checkpointing.directory().resolve("latest"))).isEqualTo("epoch-0002");
        Path afterTwoEpochs = copy(checkpointing.directory(), dir.resolve("copy"));

        // Another initialisation, which the checkpoint's parameters must replace.
        float[] resumed;
        RunReport second;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("c", Device.cpu(), engine);
                Trainer trainer = trainer(model, 99, checkpointing)) {
            assertThat(parameters(trainer)).containsExactly(afterTwo);
            second = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), null,
                    TrainingObserver.NONE, checkpointing);
            resumed = parameters(trainer);
        }
        assertThat(resumed).isNotEqualTo(afterTwo).containsExactly(uninterrupted);
        assertSameFigures(second, reference);

        if (engine.equals("PyTorch")) {
            // On PyTorch fit also restores the parameters in place into a trainer that already exists.
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("d", Device.cpu(), engine); Trainer trainer = trainer(model, 99)) {
                RunReport inPlace = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 4, data(m), null,
                        TrainingObserver.NONE, Checkpointing.everyEpoch(afterTwoEpochs));
                assertThat(parameters(trainer)).containsExactly(uninterrupted);
                assertSameFigures(inPlace, reference);
            }
        }
    }

    /**
     * A crash in the middle of an epoch, after a checkpoint written every few batches: the resumed run skips the
     * batches the checkpoint covers and ends like an uninterrupted run with the same checkpoint cadence (randomness
     * restarts from a seed where batch checkpoints fall), fresh scoring with the probabilistic gate and fallback as
     * well as history selection with exploration.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, fresh", "MXNet, fresh", "PyTorch, history", "MXNet, history"})
    void aRunCrashedMidEpochResumesFromItsBatchPosition(String engine, String mode, @TempDir Path dir)
            throws Exception {
        AstConfig config = mode.equals("history") ? config(engine)
                : AstConfig.builder().engine(engine).targetRate(0.25).meter("none").gate("probabilistic")
                        .minActive(20).build();
        float[] uninterrupted;
        RunReport reference;
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("a", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            reference = AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null, TrainingObserver.NONE,
                    Checkpointing.everyBatches(dir.resolve("uninterrupted"), 5));
            uninterrupted = parameters(trainer);
        }
        if (mode.equals("fresh")) {
            assertThat(reference.epochs().stream().mapToInt(EpochStats::fallbackBatches).sum())
                    .as("the fallback is exercised").isGreaterThan(0);
        }

        Checkpointing checkpointing = Checkpointing.everyBatches(dir.resolve("crashed"), 5);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("b", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null,
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
            second = AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null, new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    epochsRun.add(epoch);
                }
            }, checkpointing);
            resumed = parameters(trainer);
            assertThat(epochsRun).as("6 batches of epoch 2, then epoch 3").hasSize(6 + 16).startsWith(2, 2, 2, 2, 2, 2, 3);
        }
        assertThat(resumed).containsExactly(uninterrupted);
        assertSameFigures(second, reference);
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
            AdaptiveSparseTraining.create(config).fit(trainer, 3, data(m), null, TrainingObserver.NONE,
                    Checkpointing.everyBatches(dir.resolve("uninterrupted"), 5));
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
    private static TrainingObserver crashAt(int epoch, int batch) {
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
                    .hasMessage("checkpoint directory " + dir + " holds another run's checkpoints and resume is off; "
                            + "resume from them or choose an empty directory");
            assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0001");
        }
    }

    /** Resuming on another training set is a clear error, not a silent skip of the wrong batches. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCheckpointOfAnotherTrainingSetIsRejected(String engine, @TempDir Path dir) throws Exception {
        Checkpointing checkpointing = Checkpointing.everyBatches(dir, 12);
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
        assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0001-batch-000012");
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
            assertThat(b.threshold()).isEqualTo(a.threshold());
            assertThat(b.trainLoss()).isEqualTo(a.trainLoss());
            assertThat(b.trainAccuracy()).isEqualTo(a.trainAccuracy());
            assertThat(b.energies()).isEqualTo(a.energies());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theSameSeedGivesTheSameSelectionsAndMetrics(String engine) throws Exception {
        List<List<Integer>> selections = new ArrayList<>();
        List<RunReport> reports = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            List<Integer> trained = new ArrayList<>();
            AstConfig fresh = AstConfig.builder().engine(engine).targetRate(0.25).meter("none").gate("probabilistic")
                    .build();
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("d", Device.cpu(), engine); Trainer trainer = trainer(model, 3)) {
                reports.add(AdaptiveSparseTraining.create(fresh).fit(trainer, 2, data(m), null, new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, BatchResult result) {
                        trained.add(result.trained());
                    }
                }));
            }
            selections.add(trained);
        }
        assertThat(selections.get(1)).isEqualTo(selections.get(0));
        assertThat(reports.get(1).last().trainLoss()).isEqualTo(reports.get(0).last().trainLoss());
        assertThat(reports.get(1).last().threshold()).isEqualTo(reports.get(0).last().threshold());
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

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCrashWhileWritingLeavesTheLatestCheckpointUsable(String engine, @TempDir Path dir) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("f", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), null, stopAfter(1),
                    Checkpointing.everyEpoch(dir));
            // What a crash during the next write leaves: a half-written temporary directory and pointer file.
            Path partial = Files.createDirectory(dir.resolve(".writing-epoch-0002-123"));
            Files.writeString(partial.resolve("state.json"), "{\"config\": {");
            Files.writeString(dir.resolve(".latest-1.tmp"), "epoch-0002");
            assertThat(Files.readString(dir.resolve("latest"))).isEqualTo("epoch-0001");
            RunReport resumed = AdaptiveSparseTraining.create(config(engine)).fit(trainer, 2, data(m), null,
                    TrainingObserver.NONE, Checkpointing.everyEpoch(dir));
            assertThat(resumed.epochs()).hasSize(2);
            try (var children = Files.list(dir)) {
                assertThat(children.map(p -> p.getFileName().toString()).sorted())
                        .as("the next write cleans up what the crash left").containsExactly("epoch-0001", "epoch-0002",
                                "latest");
            }

            // A pointer to a damaged checkpoint is a clear error, not a silent restart.
            Files.writeString(dir.resolve("epoch-0002").resolve("state.json"), "{\"config\": ");
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config(engine)).fit(trainer, 3, data(m), null,
                    TrainingObserver.NONE, Checkpointing.everyEpoch(dir))).isInstanceOf(IOException.class)
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
            try (Batch one = batch(m, m.ones(new Shape(1, FEATURES)), m.zeros(new Shape(1)))) {
                BatchResult result = ast.trainBatch(trainer, one);
                assertThat(result.skipped()).isFalse();
                assertThat(result.trained()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void noEngineArraysLeakAcrossBatches(String engine, @TempDir Path dir) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none")
                .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("h", Device.cpu(), engine); Trainer trainer = trainer(model, 7)) {
            ArrayDataset train = data(m);
            AdaptiveSparseTraining.create(config).fit(trainer, 2, train, train);
            NDManager root = root(m);
            int before = liveResources(root);
            AdaptiveSparseTraining.create(config).fit(trainer, 20, train, train); // 320 training batches
            int after = liveResources(root);
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
