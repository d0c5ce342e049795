package io.github.ast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.RunReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Short training on real data: the embedded Fashion-MNIST slice, an MLP, two epochs, on both engines. */
class FashionMnistSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsOnTheEmbeddedSlice(String engine) throws Exception {
        Engine.getEngine(engine).setRandomSeed(42);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("smoke", Device.cpu(), engine)) {
            FashionMnist.Data data = FashionMnist.loadEmbedded(m);
            assertThat(data.train().size()).isEqualTo(6000);
            assertThat(data.test().size()).isEqualTo(1000);
            assertThat(data.train().images().getShape()).isEqualTo(new Shape(6000, 1, 28, 28));
            model.setBlock(Models.mlp(FashionMnist.CLASSES));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                RunReport report = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).build())
                        .fit(trainer, 2, data.train().dataset(64, true, 0), data.test().dataset(256, false, 0));
                assertThat(report.last().activationRate()).isBetween(0.08, 0.13);
                assertThat(report.last().validationAccuracy()).isGreaterThan(0.35); // chance is 0.10
            }
        }
    }
}
