package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row of NaN or infinite inputs must never reach the parameters. Before the guard, a NaN row through a ReLU MLP
 * on MXNet gave a finite loss (ReLU turns NaN into 0) but NaN gradients, and with {@code ast.scorer=loss} or in a
 * warm-up epoch 128 of 195 parameters became NaN while {@code fit} returned normally; +Inf through a tanh MLP did the
 * same on PyTorch. Validation rows like it were folded into the figures (NaN on PyTorch, a finite wrong loss on
 * MXNet).
 */
class NonFiniteInputTest {

    private static final int SAMPLES = 512;
    private static final int FEATURES = 8;
    private static final int BAD_ROW = 37;

    private static ArrayDataset data(NDManager m, float badValue) {
        m.getEngine().setRandomSeed(3);
        NDArray labels = m.randomInteger(0, 3, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32, false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).add(labels.reshape(SAMPLES, 1).mul(3));
        x.set(new NDIndex(BAD_ROW + ", 2"), badValue);
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(32, true).build();
    }

    private static Trainer trainer(Model model, String activation) {
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(activation.equals("tanh") ? Activation.tanhBlock() : Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    @ParameterizedTest(name = "{0}, {1}, {2} input, scorer {3}, {4} warm-up epoch(s)")
    @CsvSource({"MXNet, relu, NaN, loss, 0", "MXNet, relu, NaN, margin, 1", "PyTorch, tanh, Infinity, loss, 0",
        "PyTorch, tanh, Infinity, entropy, 1", "PyTorch, relu, NaN, loss, 1", "MXNet, tanh, -Infinity, loss, 1"})
    void aNonFiniteRowIsSkippedAndCountedAndNeverTrained(String engine, String activation, float value,
            String scorer, int warmupEpochs) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("ast.engine", engine);
        properties.setProperty("ast.scorer", scorer);
        properties.setProperty("ast.warmupEpochs", Integer.toString(warmupEpochs));
        properties.setProperty("ast.targetRate", "0.5");
        properties.setProperty("ast.meter", "none");
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("non-finite", Device.cpu(), engine);
                Trainer trainer = trainer(model, activation)) {
            ArrayDataset data = data(m, value);
            RunReport report = AdaptiveSparseTraining.create(AstConfig.fromProperties(properties)).fit(trainer, 2,
                    data, data);
            for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
                NDArray array = p.getArray();
                assertThat(NonFinite.values(array).any().getBoolean()).as(p.getName()).isFalse();
            }
            for (EpochStats epoch : report.epochs()) {
                assertThat(epoch.nonFiniteValidationRows()).isEqualTo(1);
                assertThat(epoch.validationLoss()).isFinite();
                assertThat(epoch.line()).contains("Val. left out: 1 non-finite rows");
            }
            if (warmupEpochs > 0) {
                // Every row trains in a warm-up epoch: exactly the one batch holding the bad row is skipped.
                assertThat(report.epochs().get(0).skippedBatches()).isEqualTo(1);
                assertThat(report.epochs().get(0).line()).contains("Skipped: 1 batches");
            }
            assertThat(report.last().validationAccuracy()).isGreaterThan(0.5); // it still learns (chance: 0.33)
        }
    }

    @ParameterizedTest
    @CsvSource({"MXNet", "PyTorch"})
    void rowsAreFoundInEveryFloatingInputAndIntegerInputsAreIgnored(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray images = m.zeros(new Shape(4, 2, 3));
            images.set(new NDIndex("1, 1, 2"), Float.NaN);
            NDArray extra = m.zeros(new Shape(4));
            extra.set(new NDIndex("3"), Float.NEGATIVE_INFINITY);
            NDArray ids = m.zeros(new Shape(4), DataType.INT32);
            assertThat(NonFinite.rows(new NDList(images, extra, ids)).toBooleanArray())
                    .containsExactly(false, true, false, true);
            assertThat(NonFinite.count(new NDList(ids)).getFloat()).isZero();
        }
    }
}
