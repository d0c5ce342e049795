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
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Splitting the selected rows into shares (one per device, or micro-batches on one device) must not change what is
 * selected nor, beyond float summation order, the step. DJL allows one CPU device only ("Duplicated devices are not
 * allowed" for cpu(0), cpu(1)), so on this machine the shares run on the CPU one after the other; on several GPUs
 * each share runs on its own device through the same code.
 */
class MultiDeviceTest {

    @Test
    void sharesAreBalancedContiguousAndNeverEmpty() {
        assertThat(Shares.balanced(10, 3)).containsExactly(new long[] {0, 4}, new long[] {4, 7}, new long[] {7, 10});
        assertThat(Shares.balanced(2, 4)).containsExactly(new long[] {0, 1}, new long[] {1, 2});
        assertThat(Shares.balanced(0, 4)).containsExactly(new long[] {0, 0});
        assertThat(Shares.balanced(7, 1)).containsExactly(new long[] {0, 7});
        for (int count = 0; count < 40; count++) {
            for (int shares = 1; shares < 9; shares++) {
                List<long[]> ranges = Shares.balanced(count, shares);
                long min = ranges.stream().mapToLong(r -> r[1] - r[0]).min().orElseThrow();
                long max = ranges.stream().mapToLong(r -> r[1] - r[0]).max().orElseThrow();
                assertThat(max - min).isLessThanOrEqualTo(1);
                assertThat(ranges.get(ranges.size() - 1)[1]).isEqualTo(count);
            }
        }
        assertThatThrownBy(() -> Shares.balanced(3, 0)).hasMessageContaining("shares=0");
    }

    @Test
    void djlAllowsOneCpuDeviceOnly() {
        try (Model model = Model.newInstance("m", Device.cpu(), "PyTorch")) {
            model.setBlock(Linear.builder().setUnits(2).build());
            assertThatThrownBy(() -> model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optDevices(new Device[] {Device.of("cpu", 0), Device.of("cpu", 1)})))
                    .hasMessageContaining("Duplicated devices");
        }
    }

    private record Run(List<Integer> trained, List<Double> thresholds, float[] parameters) {}

    private static Run run(String engine, int splits, boolean rescale) throws Exception {
        AstConfig config = AstConfig.builder().engine(engine).targetRate(0.25).meter("none").splits(splits)
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, rescale ? 0.1 : 0, rescale, 0, 0)).build();
        List<Integer> trained = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        Engine e = Engine.getEngine(engine);
        try (NDManager m = e.newBaseManager(); Model model = Model.newInstance("s", Device.cpu(), engine)) {
            e.setRandomSeed(1);
            NDArray labels = m.randomInteger(0, 3, new Shape(512), DataType.INT32).toType(DataType.FLOAT32, false);
            NDArray x = m.randomNormal(new Shape(512, 8)).mul(0.5f).add(labels.reshape(512, 1));
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, true).build();
            e.setRandomSeed(7);
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(3).build()));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 8));
                AdaptiveSparseTraining.create(config).fit(trainer, 2, data, null, new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, BatchResult result) {
                        trained.add(result.trained());
                        thresholds.add(result.threshold());
                    }
                });
                List<Float> values = new ArrayList<>();
                for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
                    for (float v : p.getValue().getArray().toFloatArray()) {
                        values.add(v);
                    }
                }
                float[] parameters = new float[values.size()];
                for (int i = 0; i < parameters.length; i++) {
                    parameters[i] = values.get(i);
                }
                return new Run(trained, thresholds, parameters);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, false", "PyTorch, true", "MXNet, false", "MXNet, true"})
    void splittingTheSelectedRowsChangesNeitherSelectionNorStep(String engine, boolean rescale) throws Exception {
        Run whole = run(engine, 1, rescale);
        Run split = run(engine, 3, rescale);
        // Scoring, gating and the controller see the whole logical batch: the same selections batch by batch.
        assertThat(split.trained()).isEqualTo(whole.trained());
        assertThat(split.thresholds()).hasSameSizeAs(whole.thresholds());
        for (int i = 0; i < whole.thresholds().size(); i++) {
            assertThat(split.thresholds().get(i)).isCloseTo(whole.thresholds().get(i), within(1e-9));
        }
        // Share gradients weighted by share size sum to the whole selection's gradient, up to summation order.
        assertThat(split.parameters()).containsExactly(whole.parameters(), within(1e-4f));
    }
}
