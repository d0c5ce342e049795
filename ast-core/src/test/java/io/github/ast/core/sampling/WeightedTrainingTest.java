package io.github.ast.core.sampling;

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
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.djl.sampling.InfoBatchSampler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** InfoBatch end to end on a small synthetic task: it prunes, learns, and skips non-finite batches. */
class WeightedTrainingTest {

    private static final int SAMPLES = 512;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void prunesLearnedSamplesAndStillLearns(String engine) throws Exception {
        Engine.getEngine(engine).setRandomSeed(3);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("infobatch", Device.cpu(), engine)) {
            NDArray labels = m.randomInteger(0, 4, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                    false);
            NDArray x = m.randomNormal(new Shape(SAMPLES, 8)).mul(0.5f).add(labels.reshape(SAMPLES, 1).sub(1.5f));
            InfoBatchSampler sampler = InfoBatchSampler.forEpochs(32, 0.5, 0.125, 8, 7);
            ArrayDataset train = new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(sampler)
                    .build();
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(4).build()));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 8));
                double firstEpochLoss = 0;
                double lastEpochLoss = 0;
                int[] kept = new int[8];
                for (int epoch = 0; epoch < 8; epoch++) {
                    double lossSum = 0;
                    int batches = 0;
                    for (Batch batch : trainer.iterateDataset(train)) {
                        try (batch) {
                            WeightedTraining.Step step = WeightedTraining.trainBatch(trainer, batch, sampler,
                                    PerSampleLoss.softmaxCrossEntropy());
                            assertThat(step.skipped()).isFalse();
                            trainer.step();
                            lossSum += step.meanLoss();
                            batches++;
                        }
                    }
                    kept[epoch] = sampler.keptLastEpoch();
                    if (epoch == 0) {
                        firstEpochLoss = lossSum / batches;
                    }
                    lastEpochLoss = lossSum / batches;
                }
                assertThat(kept[0]).isEqualTo(SAMPLES);
                assertThat(kept[7]).isEqualTo(SAMPLES);
                for (int e = 1; e < 7; e++) {
                    assertThat(kept[e]).as("epoch %d", e).isBetween(SAMPLES / 2, SAMPLES - 32);
                }
                assertThat(lastEpochLoss).isLessThan(firstEpochLoss / 2);

                // A batch whose losses overflow is skipped: no backward, nothing recorded.
                NDArray bad = x.get("0:32").duplicate();
                bad.set(new ai.djl.ndarray.index.NDIndex("0"), Float.MAX_VALUE);
                Batch nan = new Batch(m, new NDList(bad), new NDList(labels.get("0:32")), 32, null, null, 0, 1,
                        java.util.stream.LongStream.range(0, 32).boxed().toList());
                assertThat(WeightedTraining.trainBatch(trainer, nan, sampler, PerSampleLoss.softmaxCrossEntropy())
                        .skipped()).isTrue();
                Batch unindexed = new Batch(m, new NDList(x.get("0:4")), new NDList(labels.get("0:4")), 4, null,
                        null, 0, 1);
                assertThatThrownBy(() -> WeightedTraining.trainBatch(trainer, unindexed, sampler,
                        PerSampleLoss.softmaxCrossEntropy())).hasMessageContaining("dataset indices");
            }
        }
    }
}
