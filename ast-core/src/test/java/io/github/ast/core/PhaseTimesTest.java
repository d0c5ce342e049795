package io.github.ast.core;

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
import io.github.ast.core.PhaseTimes.Phase;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The profile's recorder: every batch of a fit gets a time for each phase it passed, and nothing when stopped. */
class PhaseTimesTest {

    private static final int SAMPLES = 512;
    private static final int BATCH = 64;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aProfiledFitTimesEveryPhaseOfEveryBatch(String engine) throws Exception {
        PhaseTimes times = PhaseTimes.recorder();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("profiled", Device.cpu(), engine);
                Trainer trainer = trainer(model)) {
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.builder().engine(engine)
                    .targetRate(0.5).build());
            ast.profileWith(times);
            ast.fit(trainer, 1, dataset(m), null); // not started: records nothing
            assertThat(times.millisPerBatch().get(Phase.TRAINING_FORWARD)).isEmpty();
            times.start();
            ast.fit(trainer, 1, dataset(m), null);
            times.stop();
            ast.fit(trainer, 1, dataset(m), null); // stopped: records nothing more
        }
        Map<Phase, double[]> millis = times.millisPerBatch();
        for (Phase phase : Phase.values()) {
            assertThat(millis.get(phase)).as(phase.name()).hasSize(SAMPLES / BATCH);
            assertThat(Arrays.stream(millis.get(phase)).allMatch(ms -> ms >= 0 && Double.isFinite(ms)))
                    .as(phase.name() + " " + Arrays.toString(millis.get(phase))).isTrue();
        }
        // Every phase this loop passes took time (the listeners' is ~0: the trainer has none).
        for (Phase phase : new Phase[] {Phase.DATA, Phase.SCORING_FORWARD, Phase.SELECTION, Phase.GATHER,
                Phase.TRAINING_FORWARD, Phase.LOSSES, Phase.BACKWARD, Phase.OPTIMIZER}) {
            assertThat(Arrays.stream(millis.get(phase)).sum()).as(phase.name()).isPositive();
        }
    }

    @Test
    void theDefaultRecorderNeverTimes() {
        assertThat(PhaseTimes.OFF.isOn()).isFalse();
        assertThatThrownBy(PhaseTimes.OFF::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recorder()");
        PhaseTimes.OFF.mark();
        PhaseTimes.OFF.end(Phase.DATA, (NDArray) null);
        PhaseTimes.OFF.endBatch();
        assertThat(PhaseTimes.OFF.millisPerBatch().get(Phase.DATA)).isEmpty();
    }

    private static ArrayDataset dataset(NDManager m) {
        m.getEngine().setRandomSeed(7);
        NDArray labels = m.randomInteger(0, 4, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32, false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, 8)).add(labels.reshape(SAMPLES, 1));
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(BATCH, true).build();
    }

    private static Trainer trainer(Model model) {
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(4).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, 8));
        return trainer;
    }
}
