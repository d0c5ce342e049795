package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.api.TrainingDivergedException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model that breaks from finite inputs must stop the run and say so. Before the guard, one step whose backward gave
 * NaN gradients (a layer dividing by the norm of an all-zero row) left most parameters NaN on both engines, every
 * later batch was skipped as "non-finite", and {@code fit} returned normally; a learning rate far too high did the
 * same with huge finite parameters.
 */
class DivergenceGuardTest {

    private static final int SAMPLES = 256;
    private static final int FEATURES = 8;
    private static final int CLASSES = 3;

    /**
     * Linear without bias, then the row's Euclidean norm appended as a feature: finite for a zero row (the norm is
     * 0), but its gradient there is 0/0, so back-propagating a zero row makes the first layer's gradients NaN.
     */
    private static Trainer trainer(Model model, float learningRate) {
        model.getNDManager().getEngine().setRandomSeed(7);
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).optBias(false).build())
                .add(new LambdaBlock(x -> new NDList(x.head().concat(x.head().square().sum(new int[] {1}, true)
                        .sqrt(), 1))))
                .add(Linear.builder().setUnits(CLASSES).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).build())
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** Separable data, with the rows from {@code zeroFrom} on all zero (finite inputs). */
    private static ArrayDataset data(NDManager m, int zeroFrom) {
        m.getEngine().setRandomSeed(3);
        NDArray labels = m.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                false);
        NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES)).add(labels.reshape(SAMPLES, 1).mul(2));
        if (zeroFrom < SAMPLES) {
            x.set(new NDIndex(zeroFrom + ":"), 0f);
        }
        return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(32, false).build();
    }

    private static AdaptiveSparseTrainer ast(String engine, double targetRate) {
        return AdaptiveSparseTraining.create(AstConfig.builder().engine(engine).meter("none").targetRate(targetRate)
                .build());
    }

    private static boolean allFinite(Trainer trainer) {
        for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
            if (NonFinite.values(p.getArray()).any().getBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** One batch with NaN gradients per epoch: that step is not applied, counted, and the run goes on learning. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aStepWithNanGradientsFromFiniteInputsIsNotApplied(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("nan-gradients", Device.cpu(), engine);
                Trainer trainer = trainer(model, 0.1f)) {
            // Rows 250-255 are zero: they fall in the last batch, which every epoch trains whole (target 100%).
            RunReport report = ast(engine, 1.0).fit(trainer, 2, data(m, 250), null);
            assertThat(allFinite(trainer)).isTrue();
            for (EpochStats epoch : report.epochs()) {
                assertThat(epoch.skippedBatches()).as("epoch %d", epoch.epoch()).isEqualTo(1);
            }
            assertThat(report.last().trainAccuracy()).isGreaterThan(0.6); // chance: 0.33
        }
    }

    /** Every step from some point on has NaN gradients: the run stops at the third, with the last finite weights. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void nanGradientsInARowStopTheRunNamingEpochBatchAndWhatToTry(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("nan-gradients", Device.cpu(), engine);
                Trainer trainer = trainer(model, 0.1f)) {
            ArrayDataset data = data(m, 64); // batches 0 and 1 train, batches 2, 3, 4 ... break
            AtomicInteger trained = new AtomicInteger();
            float[][] afterSecond = new float[1][];
            TrainingObserver observer = new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    if (!result.skipped() && trained.incrementAndGet() == 2) {
                        afterSecond[0] = ReliabilityTest.parameters(trainer);
                    }
                }
            };
            assertThatThrownBy(() -> ast(engine, 1.0).fit(trainer, 2, data, null, observer))
                    .isInstanceOfSatisfying(TrainingDivergedException.class, e -> {
                        assertThat(e.epoch()).isEqualTo(1);
                        assertThat(e.batch()).isEqualTo(4);
                    })
                    .hasMessageContaining("training diverged in epoch 1 at batch 4: 3 steps in a row had "
                            + "non-finite gradients")
                    .hasMessageContaining("parameters with non-finite gradients")
                    .hasMessageContaining("lower learning rate, gradient clipping");
            assertThat(ReliabilityTest.parameters(trainer)).containsExactly(afterSecond[0]);
        }
    }

    /**
     * A learning rate far too high. At 1e30 the parameters grow huge but finite and the losses turn non-finite: the
     * run stops after three such steps with the last finite parameters, instead of skipping every later batch. At
     * 3e38 one update overflows the parameters (its gradients were finite, so it was applied): the next non-finite
     * loss stops the run at once, saying that the update cannot be undone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aDivergingRunStopsAndSaysWhy(String engine) throws Exception {
        for (double target : new double[] {1.0, 0.25}) { // plain steps; the published system's scoring pass
            Outcome huge = diverged(engine, target, 1e30f);
            assertThat(huge.message()).contains("3 steps in a row had non-finite losses from finite inputs");
            assertThat(huge.finite()).as("the last finite parameters, target %s", target).isTrue();
            Outcome overflowed = diverged(engine, target, 3e38f);
            assertThat(overflowed.message()).contains("the parameters are not finite",
                    "an optimiser update overflowed and cannot be undone");
        }
    }

    /** How a diverged run stopped: its message, and whether the parameters are still finite. */
    private record Outcome(String message, boolean finite) {}

    /** Trains at a learning rate until the run stops as diverged, in epoch 1. */
    private static Outcome diverged(String engine, double target, float learningRate)
            throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("diverging", Device.cpu(), engine);
                Trainer trainer = trainer(model, learningRate)) {
            TrainingDivergedException e = catchThrowableOfType(() -> ast(engine, target).fit(trainer, 3,
                    data(m, SAMPLES), null), TrainingDivergedException.class);
            assertThat(e).as("learning rate %s, target %s", learningRate, target).isNotNull();
            assertThat(e.epoch()).isEqualTo(1);
            return new Outcome(e.getMessage(), allFinite(trainer));
        }
    }

    /** Every batch of an epoch skipped for non-finite inputs: the run trained nothing, and fails saying so. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anEpochThatTrainedNothingFailsTheRun(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("nothing", Device.cpu(), engine);
                Trainer trainer = trainer(model, 0.1f)) {
            NDArray x = m.randomNormal(new Shape(SAMPLES, FEATURES));
            x.set(new NDIndex(":, 0"), Float.NaN);
            ArrayDataset broken = new ArrayDataset.Builder().setData(x).optLabels(m.zeros(new Shape(SAMPLES)))
                    .setSampling(32, false).build();
            assertThatThrownBy(() -> ast(engine, 1.0).fit(trainer, 2, broken, null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("epoch 1: all 8 batches were skipped")
                    .hasMessageContaining("nothing was trained");
        }
    }
}
