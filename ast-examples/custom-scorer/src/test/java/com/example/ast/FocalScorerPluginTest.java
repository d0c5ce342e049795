package com.example.ast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.PluginRegistry;
import io.github.ast.core.RunReport;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plugin is found by ServiceLoader, wired by Guice from configuration alone, and trains. */
class FocalScorerPluginTest {

    @Test
    void isDiscoveredByName() {
        assertThat(PluginRegistry.load(getClass().getClassLoader()).names("scorer")).contains("focal", "loss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsWhenSelectedInConfiguration(String engine) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("ast.engine", engine);
        properties.setProperty("ast.scorer", "focal");
        properties.setProperty("ast.scorer.gamma", "1.5");
        properties.setProperty("ast.targetRate", "0.25");
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.fromProperties(properties));
        assertThat(ast.parts().scorer()).isInstanceOf(FocalScorer.class);

        Engine.getEngine(engine).setRandomSeed(5);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("focal", Device.cpu(), engine)) {
            NDArray labels = m.randomInteger(0, 3, new Shape(1024), DataType.INT32).toType(DataType.FLOAT32, false);
            NDArray x = m.randomNormal(new Shape(1024, 8)).mul(0.5f).add(labels.reshape(1024, 1));
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, true).build();
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(3).build()));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 8));
                RunReport report = ast.fit(trainer, 6, data, data);
                assertThat(report.last().activationRate()).isBetween(0.15, 0.35);
                assertThat(report.last().validationAccuracy()).isGreaterThan(0.6); // chance is 1/3
            }
        }
    }

    @Test
    void rejectsANegativeGamma() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().scorer("focal")
                .setting("scorer.gamma", "-1").build())).hasMessageContaining("ast.scorer.gamma=-1.0");
    }
}
