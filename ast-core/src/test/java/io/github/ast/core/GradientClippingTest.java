package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clipping by global norm: what it does to the gradients, and that {@code ast.clipNorm} is that, in the loop. */
class GradientClippingTest {

    private static final int SAMPLES = 256;
    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    private static ArrayDataset data(NDManager m) {
        m.getEngine().setRandomSeed(1);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).mul(3f).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, false).build();
    }

    private static Trainer trainer(Model model) {
        model.getNDManager().getEngine().setRandomSeed(7);
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    private static List<float[]> gradients(Trainer trainer) {
        List<float[]> gradients = new ArrayList<>();
        for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                gradients.add(gradient.toFloatArray());
            }
        }
        return gradients;
    }

    private static double norm(List<float[]> gradients) {
        double squares = 0;
        for (float[] gradient : gradients) {
            for (float g : gradient) {
                squares += (double) g * g;
            }
        }
        return Math.sqrt(squares);
    }

    /** Above the maximum, every gradient is scaled by maximum / (norm + 1e-6); below it, nothing changes. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void scalesEveryGradientByTheGlobalNormAndLeavesSmallerOnesAlone(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("clip", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            Batch batch = trainer.iterateDataset(data(m)).iterator().next();
            EasyTrain.trainBatch(trainer, batch);
            List<float[]> before = gradients(trainer);
            double norm = norm(before);
            assertThat(norm).isPositive();
            new GradientClipping(norm * 10).clip(trainer);
            assertThat(gradients(trainer)).usingRecursiveComparison().isEqualTo(before);
            double max = norm / 4;
            new GradientClipping(max).clip(trainer);
            List<float[]> after = gradients(trainer);
            double scale = max / (norm + 1e-6);
            for (int p = 0; p < before.size(); p++) {
                for (int i = 0; i < before.get(p).length; i++) {
                    assertThat((double) after.get(p)[i]).isCloseTo(before.get(p)[i] * scale, within(1e-6));
                }
            }
            assertThat(norm(after)).isCloseTo(max, within(1e-4 * max));
            batch.close();
        }
    }

    /** {@code ast.clipNorm} in {@code fit} is plain DJL with the clipping between backward and step, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void fitClipsAsAPlainLoopWouldAndTheClippingChangesTraining(String engine) throws Exception {
        float[] clipped = plain(engine, new GradientClipping(0.05));
        float[] unclipped = plain(engine, null);
        assertThat(clipped).isNotEqualTo(unclipped);
        AstConfig config = AstConfig.builder().engine(engine).meter("none").policy("auto")
                .setting("policy.candidates", "none").clipNorm(0.05).build();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("auto", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            AdaptiveSparseTraining.create(config).fit(trainer, 2, data(m), null, TrainingObserver.NONE);
            assertThat(ReliabilityTest.parameters(trainer)).containsExactly(clipped);
        }
    }

    private static float[] plain(String engine, GradientClipping clipping) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("plain", Device.cpu(), engine); Trainer trainer = trainer(model)) {
            ArrayDataset train = data(m);
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch batch : trainer.iterateDataset(train)) {
                    try (batch) {
                        EasyTrain.trainBatch(trainer, batch);
                        if (clipping != null) {
                            clipping.clip(trainer);
                        }
                        trainer.step();
                    }
                }
            }
            return ReliabilityTest.parameters(trainer);
        }
    }

    @Test
    void badMaximaAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new GradientClipping(0)).hasMessageContaining("maxNorm=0.0");
        assertThatThrownBy(() -> AstConfig.builder().clipNorm(-1).build()).hasMessageContaining("ast.clipNorm=-1.0")
                .hasMessageContaining("0 (no clipping)");
        assertThat(AstConfig.builder().clipNorm(1).build().toProperties()).containsEntry("ast.clipNorm", "1.0");
        assertThat(AstConfig.defaults().toProperties()).doesNotContainKey("ast.clipNorm");
    }
}
