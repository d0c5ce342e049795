package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a run prints without SLF4J: one line per epoch, and every observer of a combination hears every call. */
class ConsoleOutputTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void printsOneLinePerEpochAndCombinedObserversAllHearTheRun(String engine) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Long> progress = new ArrayList<>();
        List<Integer> asked = new ArrayList<>();
        TrainingObserver counting = new TrainingObserver() {
            @Override
            public void onProgress(int epoch, long done, long total) {
                assertThat(total).isEqualTo(64); // DJL counts an ArrayDataset's progress in samples
                progress.add(done);
            }

            @Override
            public boolean continueTraining(EpochStats stats) {
                asked.add(stats.epoch());
                return stats.epoch() < 2; // stops after the second of three epochs
            }
        };
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("console", Device.cpu(), engine);
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            model.setBlock(Linear.builder().setUnits(3).build());
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 5));
                NDArray x = m.randomNormal(new Shape(64, 5));
                NDArray y = m.randomInteger(0, 3, new Shape(64), DataType.INT32).toType(DataType.FLOAT32, false);
                ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(16, true).build();
                AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).targetRate(0.5).build()).fit(trainer,
                        3, data, null, TrainingObserver.all(ConsoleOutput.linesTo(out, "AST  "), counting));
            }
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("AST  Epoch 1/3 | Loss: ");
        assertThat(lines[1]).startsWith("AST  Epoch 2/3 | Loss: ");
        assertThat(asked).containsExactly(1, 2);
        assertThat(progress).hasSize(8);
        // Surefire's forked JVM has no terminal: the default output draws no bar there, as in CI logs and pipes.
        assertThat(System.console()).isNull();
        assertThat(ConsoleOutput.standard().drawsProgressBar()).isFalse();
    }
}
