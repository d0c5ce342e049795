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
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.ast.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cheaper scoring passes ({@link ScoringPass}): scoring one batch in k, and scoring downsampled images. */
class CheaperScoringTest {

    private static final int SAMPLES = 640;
    private static final int BATCH = 64;
    private static final int CLASSES = 4;
    private static final int SIDE = 8;

    /**
     * 8 x 8 one-channel images whose class is their mean brightness, in ten batches of 64. Tests that validate pass
     * the same images again: they check that the loop trains, not how well it generalises.
     */
    private static ArrayDataset images(NDManager m) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, 1, SIDE, SIDE)).mul(0.5f)
                .add(labels.reshape(SAMPLES, 1, 1, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(BATCH, true).build();
    }

    /** A block that records the shape of every input it sees, then passes it on. */
    private static Block recording(List<Shape> shapes) {
        return new LambdaBlock(input -> {
            shapes.add(input.head().getShape());
            return input;
        });
    }

    /** A convolution with global average pooling: accepts any image of at least 3 x 3. */
    private static Block pooledCnn(List<Shape> shapes) {
        return new SequentialBlock().add(recording(shapes))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(8)
                        .build())
                .add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    /** A flattening network: its first layer takes exactly 64 inputs, so it rejects 4 x 4 images. */
    private static Block flatMlp() {
        return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock()).add(Linear.builder().setUnits(CLASSES).build());
    }

    private static Trainer trainer(Model model, Block block) {
        model.getNDManager().getEngine().setRandomSeed(7);
        model.setBlock(block);
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, 1, SIDE, SIDE));
        return trainer;
    }

    /**
     * With {@code ast.scoreEvery=4}, batches 0, 4 and 8 of each epoch's ten get a scoring forward and the others
     * select from the history: in the first epoch the history is empty there, so their rows all train; later
     * epochs forward only the scored batches' rows besides what trains.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void scoringOneBatchInKLeavesTheOthersToTheHistory(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").energyCompare(List.of()).targetRate(0.25)
                .scoring(new ScoringPass(4, 1)).build();
        List<Shape> shapes = new CopyOnWriteArrayList<>();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("every", Device.cpu(), engine);
                Trainer trainer = trainer(model, pooledCnn(shapes))) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 4, images(m), images(m),
                    TrainingObserver.NONE);
            for (EpochStats epoch : report.epochs()) {
                assertThat(epoch.scoredBatches()).as("epoch %d", epoch.epoch()).isEqualTo(3);
                assertThat(epoch.forwarded()).as("epoch %d", epoch.epoch())
                        .isEqualTo(3 * BATCH + epoch.backPropagated());
            }
            assertThat(report.epochs().get(0).backPropagated()).as("the first epoch's unscored batches train whole")
                    .isGreaterThanOrEqualTo(7 * BATCH);
            assertThat(report.last().backPropagated()).as("later epochs select from the history")
                    .isLessThan(SAMPLES / 2);
            assertThat(report.last().validationLoss()).as("it learns")
                    .isLessThan(report.epochs().get(0).validationLoss());
        }
    }

    /**
     * With {@code ast.scoreDownsample=2} the scoring forward sees 4 x 4 images and the training step the batch's
     * own 8 x 8 ones; the run's first batch checks a single pooled row first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aDownsampledScoringPassSeesSmallerImagesAndTrainingTheOriginals(String engine) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").energyCompare(List.of()).targetRate(0.25)
                .scoring(new ScoringPass(1, 2)).build();
        List<Shape> shapes = new CopyOnWriteArrayList<>();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("down", Device.cpu(), engine);
                Trainer trainer = trainer(model, pooledCnn(shapes))) {
            shapes.clear();
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 3, images(m), null,
                    TrainingObserver.NONE);
            List<Shape> scoring = shapes.stream().filter(s -> s.get(2) == SIDE / 2).toList();
            List<Shape> training = shapes.stream().filter(s -> s.get(2) == SIDE).toList();
            assertThat(scoring).as("the first batch's one-row check, then a scoring forward per batch, on pooled "
                    + "images").hasSize(31).first().isEqualTo(new Shape(1, 1, SIDE / 2, SIDE / 2));
            assertThat(scoring.subList(1, 31)).allMatch(s -> s.equals(new Shape(BATCH, 1, SIDE / 2, SIDE / 2)));
            assertThat(training).as("the selected rows train at full size").hasSize(30)
                    .allMatch(s -> s.get(0) <= BATCH && s.get(3) == SIDE);
            assertThat(report.last().scoredBatches()).isEqualTo(10);
        }
    }

    /**
     * A model whose classifier takes a fixed size refuses the pooled images: a clear error on the run's first batch,
     * before any update, also when the first epoch trains on everything without scoring (warm-up).
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, 0", "MXNet, 0", "PyTorch, 1", "MXNet, 1"})
    void aModelThatRejectsSmallerImagesFailsBeforeAnyUpdate(String engine, int warmupEpochs) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).meter("none").scoring(new ScoringPass(1, 2))
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, warmupEpochs, 0)).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("reject", Device.cpu(), engine);
                Trainer trainer = trainer(model, flatMlp())) {
            List<float[]> before = parameters(model);
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 1, images(m), null,
                    TrainingObserver.NONE)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("ast.scoreDownsample=2: the model rejected the scoring forward's images of "
                            + "shape (1, 1, 4, 4) (pooled from (1, 1, 8, 8))")
                    .hasMessageContaining("Use ast.scoreDownsample=1 with this model");
            List<float[]> after = parameters(model);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).as("parameter %d", i).containsExactly(before.get(i));
            }
        }
    }

    /** Downsampling needs images: a batch of flat features is refused, naming the shape. */
    @Test
    void downsamplingFlatFeaturesIsAClearError() throws Exception {
        AstConfig config = AstConfig.builder().engine("PyTorch").meter("none").scoring(new ScoringPass(1, 2)).build();
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                Model model = Model.newInstance("flat", Device.cpu(), "PyTorch")) {
            model.setBlock(flatMlp());
            Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optDevices(new Device[] {Device.cpu()}));
            trainer.initialize(new Shape(1, SIDE * SIDE));
            NDArray x = m.randomNormal(new Shape(BATCH, SIDE * SIDE));
            NDArray y = m.zeros(new Shape(BATCH));
            ArrayDataset flat = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(BATCH, false).build();
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(config).fit(trainer, 1, flat, null,
                    TrainingObserver.NONE)).isInstanceOf(ConfigurationException.class)
                    .hasMessage("ast.scoreDownsample=2 needs images of shape (batch, channels, height, width) at least "
                            + "2 x 2; the batch's input has shape (64, 64)");
            trainer.close();
        }
    }

    @Test
    void settingsAreValidatedAtLoadAndRoundTrip() {
        Properties p = new Properties();
        p.setProperty("ast.scoreEvery", "0");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.scoreEvery=0 is invalid; it must be >= 1");
        p.setProperty("ast.scoreEvery", "4");
        p.setProperty("ast.scoreDownsample", "-2");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.scoreDownsample=-2 is invalid; it must be >= 1");
        p.setProperty("ast.scoreDownsample", "two");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.scoreDownsample='two' is not an integer");
        p.setProperty("ast.scoreDownsample", "2");
        p.setProperty("ast.selection", "history");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("which ast.selection=history never runs");
        p.setProperty("ast.selection", "stale");
        AstConfig config = AstConfig.fromProperties(p);
        assertThat(config.scoring()).isEqualTo(new ScoringPass(4, 2));
        Properties written = new Properties();
        written.putAll(config.toProperties());
        assertThat(AstConfig.fromProperties(written)).isEqualTo(config);
        assertThat(AstConfig.defaults().toProperties()).doesNotContainKeys("ast.scoreEvery", "ast.scoreDownsample");
        assertThat(AstConfig.defaults().scoring()).isEqualTo(ScoringPass.EVERY_BATCH);
        assertThatThrownBy(() -> AstConfig.builder().scoring(new ScoringPass(2, 1)).backwardBatch(128).build())
                .isInstanceOf(ConfigurationException.class).hasMessage("ast.scoreEvery=2 cannot be combined with "
                        + "ast.backwardBatch=128: a pooled step would mix rows of scored and unscored batches; use "
                        + "ast.backwardBatch=0 (a step per batch) or ast.scoreEvery=1");
        assertThatThrownBy(() -> AstConfig.builder().scoring(new ScoringPass(1, 3)).selection(new SelectionConfig(
                SelectionConfig.Mode.HISTORY, 0, false, 0, 0)).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.scoreDownsample=3 shapes a scoring forward");
    }

    /**
     * With stale selection (fresh every second epoch) and {@code ast.scoreEvery=4}, epochs 1 and 3 score batches
     * 0, 4 and 8 and epochs 2 and 4 none.
     */
    @Test
    void staleEpochsAndScoringOneBatchInKCombine() throws Exception {
        AstConfig config = AstConfig.builder().engine("MXNet").meter("none").energyCompare(List.of()).targetRate(0.25)
                .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0))
                .scoring(new ScoringPass(4, 1)).build();
        try (NDManager m = Engine.getEngine("MXNet").newBaseManager();
                Model model = Model.newInstance("stale-every", Device.cpu(), "MXNet");
                Trainer trainer = trainer(model, pooledCnn(new CopyOnWriteArrayList<>()))) {
            RunReport report = AdaptiveSparseTraining.create(config).fit(trainer, 4, images(m), null,
                    TrainingObserver.NONE);
            assertThat(report.epochs()).extracting(EpochStats::scoredBatches).containsExactly(3, 0, 3, 0);
        }
    }

    /** A custom loop must open the history before its first batch, and is told which setting needs it. */
    @Test
    void aCustomLoopIsToldToStartTheEpochFirst() throws Exception {
        AstConfig config = AstConfig.builder().engine("PyTorch").meter("none").scoring(new ScoringPass(2, 1)).build();
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                Model model = Model.newInstance("custom", Device.cpu(), "PyTorch");
                Trainer trainer = trainer(model, pooledCnn(new CopyOnWriteArrayList<>()))) {
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
            try (ai.djl.training.dataset.Batch batch = trainer.iterateDataset(images(m)).iterator().next()) {
                assertThatThrownBy(() -> ast.trainBatch(trainer, batch)).isInstanceOf(ConfigurationException.class)
                        .hasMessage("ast.scoreEvery=2 keeps a score history the size of the training set: call "
                                + "startEpoch(trainer, trainingSet, epoch) before the first trainBatch");
            }
        }
    }

    private static List<float[]> parameters(Model model) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, ai.djl.nn.Parameter> parameter : model.getBlock().getParameters()) {
            values.add(parameter.getValue().getArray().toFloatArray());
        }
        return values;
    }
}
