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
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.api.ConfigurationException;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.SampleWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sampler stage of {@code fit}: the training set's sampler's weights reach each step's loss and the trained rows'
 * losses reach the sampler, alone ({@code ast.policy=all}) or under a batch-level policy; and the loop's per-batch
 * stop.
 */
class SamplerStageTest {

    private static final int SAMPLES = 512;

    private record Task(NDArray x, NDArray labels) {
        static Task of(NDManager m) {
            NDArray labels = m.randomInteger(0, 4, new Shape(SAMPLES), DataType.INT32).toType(DataType.FLOAT32,
                    false);
            NDArray x = m.randomNormal(new Shape(SAMPLES, 8)).mul(0.5f).add(labels.reshape(SAMPLES, 1).sub(1.5f));
            return new Task(x, labels);
        }

        ArrayDataset sampledBy(ai.djl.training.dataset.Sampler sampler) {
            return new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(sampler).build();
        }
    }

    private static Trainer trainer(Model model, Optimizer optimizer) {
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock()).add(Linear.builder().setUnits(4).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(1, 8));
        return trainer;
    }

    private static AstConfigBuilder config(String engine, String policy) {
        return AstConfig.builder().engine(engine).policy(policy).meter("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void infoBatchThroughFitPrunesLearnedSamplesAndStillLearns(String engine) throws Exception {
        Engine.getEngine(engine).setRandomSeed(3);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("infobatch", Device.cpu(), engine)) {
            Task task = Task.of(m);
            InfoBatchSampler sampler = InfoBatchSampler.forEpochs(32, 0.5, 0.125, 8, 7);
            List<Integer> kept = new ArrayList<>();
            try (Trainer trainer = trainer(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f))
                    .build())) {
                RunReport report = AdaptiveSparseTraining.builder(config(engine, "all").build())
                        .sampleWeights(sampler).build().fit(trainer, 8, task.sampledBy(sampler), null,
                                new TrainingObserver() {
                                    @Override
                                    public void onEpoch(EpochStats stats) {
                                        kept.add(sampler.keptLastEpoch());
                                    }
                                });
                assertThat(kept.get(0)).isEqualTo(SAMPLES);
                assertThat(kept.get(7)).isEqualTo(SAMPLES);
                for (int e = 1; e < 7; e++) {
                    assertThat(kept.get(e)).as("epoch %d", e + 1).isBetween(SAMPLES / 2, SAMPLES - 32);
                }
                List<EpochStats> epochs = report.epochs();
                assertThat(epochs.get(7).trainLoss()).isLessThan(epochs.get(0).trainLoss() / 2);
                assertThat(epochs.get(3).backPropagated()).isEqualTo(kept.get(3).longValue());

                AdaptiveSparseTrainer custom = AdaptiveSparseTraining.builder(config(engine, "all").build())
                        .sampleWeights(sampler).build();
                Batch unindexed = new Batch(m, new NDList(task.x().get("0:4")), new NDList(task.labels().get("0:4")),
                        4, null, null, 0, 1);
                assertThatThrownBy(() -> custom.trainBatch(trainer, unindexed))
                        .hasMessageContaining("dataset indices");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theSamplersWeightsReachTheLossAndTheTrainedRowsLossesReachTheSampler(String engine) throws Exception {
        Engine.getEngine(engine).setRandomSeed(3);
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            Task task = Task.of(m);
            Task oneBatch = new Task(task.x().get("0:32"), task.labels().get("0:32"));
            // One SGD step from the same start: weights of 2 on every row move the parameters twice as far as 1.
            float[][] moved = new float[2][];
            for (int w = 1; w <= 2; w++) {
                Engine.getEngine(engine).setRandomSeed(5);
                try (Model model = Model.newInstance("weights", Device.cpu(), engine);
                        Trainer trainer = trainer(model, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f))
                                .build())) {
                    float[] before = parameters(trainer);
                    Recording sampler = new Recording(w);
                    AdaptiveSparseTraining.builder(config(engine, "all").build()).sampleWeights(sampler).build()
                            .fit(trainer, 1, oneBatch.sampledBy(sampler), null, TrainingObserver.NONE);
                    float[] after = parameters(trainer);
                    moved[w - 1] = new float[after.length];
                    for (int i = 0; i < after.length; i++) {
                        moved[w - 1][i] = after[i] - before[i];
                    }
                    assertThat(sampler.recorded).hasSize(32);
                }
            }
            for (int i = 0; i < moved[0].length; i++) {
                assertThat(moved[1][i]).as("parameter value %d", i)
                        .isCloseTo(2 * moved[0][i], org.assertj.core.api.Assertions.within(1e-5f));
            }
            assertThat(moved[0]).isNotEqualTo(new float[moved[0].length]);

            // Under a batch-level policy, only the rows it trained are handed back, with their losses.
            try (Model model = Model.newInstance("uniform", Device.cpu(), engine);
                    Trainer trainer = trainer(model, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f))
                            .build())) {
                Recording sampler = new Recording(1f);
                AdaptiveSparseTraining.builder(config(engine, "uniform").targetRate(0.25).build())
                        .sampleWeights(sampler).build().fit(trainer, 1, task.sampledBy(sampler), null,
                                TrainingObserver.NONE);
                assertThat(sampler.recorded).hasSize(SAMPLES / 4).doesNotHaveDuplicates();
                assertThat(sampler.losses).allSatisfy(loss -> assertThat(loss).isPositive());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anObserverStopsTheRunWithinAnEpochWithNothingMoreTrained(String engine) throws Exception {
        Engine.getEngine(engine).setRandomSeed(3);
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("stop", Device.cpu(), engine)) {
            Task task = Task.of(m);
            Recording sampler = new Recording(1f);
            try (Trainer trainer = trainer(model, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f))
                    .build())) {
                int[] batches = {0};
                RunReport report = AdaptiveSparseTraining.builder(config(engine, "all").reseedEvery(0).build())
                        .sampleWeights(sampler).build().fit(trainer, Integer.MAX_VALUE, task.sampledBy(sampler), null,
                                new TrainingObserver() {
                                    @Override
                                    public boolean continueTraining(int epoch, BatchResult result) {
                                        return ++batches[0] < 20; // 16 batches an epoch: stop in the second
                                    }
                                });
                assertThat(report.epochs()).hasSize(2);
                assertThat(report.epochs().get(1).batches()).isEqualTo(4);
                assertThat(report.epochs().get(1).validationLoss()).isNaN();
                assertThat(sampler.recorded).hasSize(20 * 32);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void samplerWeightsAreRefusedWithPooledSteps(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("pooled", Device.cpu(), engine)) {
            Task task = Task.of(m);
            Recording sampler = new Recording(1f);
            try (Trainer trainer = trainer(model, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f))
                    .build())) {
                AdaptiveSparseTrainer ast = AdaptiveSparseTraining.builder(config(engine, "gated").backwardBatch(32)
                        .build()).sampleWeights(sampler).build();
                assertThatThrownBy(() -> ast.fit(trainer, 1, task.sampledBy(sampler), null, TrainingObserver.NONE))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.backwardBatch=32");
            }
        }
    }

    private static float[] parameters(Trainer trainer) {
        List<Float> values = new ArrayList<>();
        for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
            for (float v : p.getArray().toFloatArray()) {
                values.add(v);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** A shuffling sampler of 32-row batches giving every sample one weight, recording what it is handed back. */
    private static final class Recording implements ai.djl.training.dataset.Sampler, SampleWeights {
        private final float weight;
        final List<Object> recorded = new ArrayList<>();
        final List<Float> losses = new ArrayList<>();

        Recording(float weight) {
            this.weight = weight;
        }

        @Override
        public java.util.Iterator<List<Long>> sample(ai.djl.training.dataset.RandomAccessDataset dataset) {
            List<List<Long>> batches = new ArrayList<>();
            for (long start = 0; start < dataset.size(); start += 32) {
                List<Long> batch = new ArrayList<>();
                for (long i = start; i < Math.min(dataset.size(), start + 32); i++) {
                    batch.add(i);
                }
                batches.add(batch);
            }
            return batches.iterator();
        }

        @Override
        public int getBatchSize() {
            return 32;
        }

        @Override
        public float[] weights(List<?> indices) {
            float[] out = new float[indices.size()];
            Arrays.fill(out, weight);
            return out;
        }

        @Override
        public int record(List<?> indices, float[] values) {
            recorded.addAll(indices);
            for (float v : values) {
                losses.add(v);
            }
            return 0;
        }
    }
}
