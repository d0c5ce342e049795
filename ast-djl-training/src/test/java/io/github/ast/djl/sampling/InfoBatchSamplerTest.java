package io.github.ast.djl.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InfoBatchSamplerTest {

    private static final int N = 1000;
    private static NDManager manager;
    private static ArrayDataset dataset;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager("PyTorch");
        dataset = new ArrayDataset.Builder().setData(manager.zeros(new ai.djl.ndarray.types.Shape(N, 1)))
                .setSampling(1, false).build();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<Long> epoch(InfoBatchSampler sampler) {
        List<Long> indices = new ArrayList<>();
        sampler.sample(dataset).forEachRemaining(indices::addAll);
        return indices;
    }

    private static List<Long> all() {
        return LongStream.range(0, N).boxed().toList();
    }

    /** Exponentially distributed losses, one per dataset index: skewed like real ones. */
    private static float[] losses() {
        float[] losses = new float[N];
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            losses[i] = (float) -Math.log(1 - random.nextDouble());
        }
        return losses;
    }

    @Test
    void theFirstEpochTrainsEverySampleWithWeightOne() {
        InfoBatchSampler sampler = InfoBatchSampler.forEpochs(64, 0.5, 0.125, 8, 3);
        List<Long> first = epoch(sampler);
        assertThat(first).containsExactlyInAnyOrderElementsOf(all());
        assertThat(sampler.weights(first)).containsOnly(1f);
        assertThat(sampler.keptLastEpoch()).isEqualTo(N);
    }

    @Test
    void prunesBelowMeanSamplesAndWeightsTheKeptOnes() {
        InfoBatchSampler sampler = InfoBatchSampler.forEpochs(64, 0.3, 0.125, 8, 3);
        float[] losses = losses();
        epoch(sampler);
        sampler.record(all(), losses);
        double mean = 0;
        for (float l : losses) {
            mean += l / N;
        }
        int below = 0;
        for (float l : losses) {
            below += l < mean ? 1 : 0;
        }
        List<Long> second = epoch(sampler);
        assertThat(second).doesNotHaveDuplicates();
        int keep = (int) Math.round(0.7 * below);
        assertThat(second).hasSize(N - below + keep);
        float[] weights = sampler.weights(second);
        for (int i = 0; i < second.size(); i++) {
            int index = Math.toIntExact(second.get(i));
            if (losses[index] < mean) {
                assertThat(weights[i]).isCloseTo((float) below / keep, within(1e-6f)).isCloseTo(1 / 0.7f,
                        within(0.01f));
            } else {
                assertThat(weights[i]).isEqualTo(1f);
            }
        }
        for (int i = 0; i < N; i++) {
            if (losses[i] >= mean) {
                assertThat(second).contains((long) i);
            }
        }
    }

    @Test
    void classAwareQuotasFollowClassLoss() {
        // Two classes: class 0 easy (losses around 0.1), class 1 hard (around 1.0).
        int[] classes = new int[N];
        float[] losses = new float[N];
        Random random = new Random(5);
        for (int i = 0; i < N; i++) {
            classes[i] = i % 2;
            losses[i] = (classes[i] == 0 ? 0.1f : 1f) * (0.5f + random.nextFloat());
        }
        double[] means = {0.1, 1.0};
        double[] ratios = InfoBatchSampler.classRatios(0.5, means, 0.55);
        assertThat(ratios[0]).isCloseTo(0.9, within(1e-12)); // 0.5 * 0.55 / 0.1 = 2.75, capped at 0.9
        assertThat(ratios[1]).isCloseTo(0.275, within(1e-12));
        assertThat(InfoBatchSampler.classRatios(0.5, new double[] {0.4, 0.4, Double.NaN}, 0.4))
                .containsExactly(0.5, 0.5, 0.5);

        InfoBatchSampler sampler = InfoBatchSampler.classAware(64, 0.5, 0.125, started -> 0, 3, classes);
        epoch(sampler);
        sampler.record(all(), losses);
        List<Long> second = epoch(sampler);
        int[] belowByClass = new int[2];
        int[] keptBelowByClass = new int[2];
        double[] classMean = new double[2];
        for (int i = 0; i < N; i++) {
            classMean[classes[i]] += losses[i] / (N / 2.0);
        }
        for (int i = 0; i < N; i++) {
            if (losses[i] < classMean[classes[i]]) {
                belowByClass[classes[i]]++;
                keptBelowByClass[classes[i]] += second.contains((long) i) ? 1 : 0;
            } else {
                assertThat(second).contains((long) i);
            }
        }
        double overall = (classMean[0] + classMean[1]) / 2;
        double[] expected = InfoBatchSampler.classRatios(0.5, classMean, overall);
        for (int c = 0; c < 2; c++) {
            assertThat(keptBelowByClass[c]).isEqualTo((int) Math.round((1 - expected[c]) * belowByClass[c]));
        }
        // The easy class gives up most of its below-mean rows, the hard one fewer than plain InfoBatch would.
        assertThat((double) keptBelowByClass[0] / belowByClass[0]).isLessThan(0.2);
        assertThat((double) keptBelowByClass[1] / belowByClass[1]).isGreaterThan(0.5);
        float[] weights = sampler.weights(second);
        for (int k = 0; k < second.size(); k++) {
            int i = Math.toIntExact(second.get(k));
            if (losses[i] < classMean[classes[i]]) {
                assertThat(weights[k]).isCloseTo((float) belowByClass[classes[i]] / keptBelowByClass[classes[i]],
                        within(1e-5f));
            }
        }
    }

    @Test
    void theWeightedLossIsAnUnbiasedEstimateOfTheFullMean() {
        float[] losses = losses();
        double fullMean = 0;
        for (float l : losses) {
            fullMean += (double) l / N;
        }
        InfoBatchSampler sampler = new InfoBatchSampler(128, 0.5, 0, started -> 0, 11);
        epoch(sampler);
        sampler.record(all(), losses);
        double sum = 0;
        int epochs = 4000;
        double smallest = Double.MAX_VALUE;
        double largest = 0;
        for (int e = 0; e < epochs; e++) {
            List<Long> indices = epoch(sampler);
            float[] weights = sampler.weights(indices);
            double estimate = 0;
            for (int i = 0; i < indices.size(); i++) {
                estimate += weights[i] * losses[Math.toIntExact(indices.get(i))] / N;
            }
            smallest = Math.min(smallest, estimate);
            largest = Math.max(largest, estimate);
            sum += estimate;
        }
        assertThat(largest - smallest).as("each epoch's estimate varies").isGreaterThan(0.01);
        // Standard error of the mean over 4,000 epochs is ~0.0003 here.
        assertThat(sum / epochs).isCloseTo(fullMean, within(0.002));
        // Without the weights the kept samples' sum is biased high-loss (a check that the test can fail).
        List<Long> indices = epoch(sampler);
        double unweighted = 0;
        for (long index : indices) {
            unweighted += losses[Math.toIntExact(index)] / N;
        }
        assertThat(Math.abs(unweighted - fullMean)).isGreaterThan(0.05);
    }

    @Test
    void theLastFractionOfEpochsTrainsOnEverything() {
        InfoBatchSampler sampler = InfoBatchSampler.forEpochs(64, 0.5, 0.125, 8, 5);
        float[] losses = losses();
        for (int e = 0; e < 8; e++) {
            List<Long> indices = epoch(sampler);
            if (e == 0 || e == 7) {
                assertThat(indices).as("epoch %d", e).containsExactlyInAnyOrderElementsOf(all());
                assertThat(sampler.weights(indices)).containsOnly(1f);
            } else {
                assertThat(indices.size()).as("epoch %d", e).isLessThan(N);
            }
            assertThat(sampler.annealedLastEpoch()).isEqualTo(e == 7);
            float[] batchLosses = new float[indices.size()];
            for (int i = 0; i < batchLosses.length; i++) {
                batchLosses[i] = losses[Math.toIntExact(indices.get(i))];
            }
            sampler.record(indices, batchLosses);
        }
    }

    @Test
    void samplesNeverTrainedAreNeverDroppedAndNonFiniteLossesAreNotRecorded() {
        InfoBatchSampler sampler = new InfoBatchSampler(32, 0.9, 0, started -> 0, 2);
        epoch(sampler);
        List<Long> half = LongStream.range(0, N / 2).boxed().toList();
        float[] low = new float[half.size()];
        java.util.Arrays.fill(low, 0.1f);
        low[0] = 5f; // the mean is above 0.1, so the others are below it
        low[1] = Float.NaN;
        assertThat(sampler.record(half, low)).isEqualTo(1);
        List<Long> next = epoch(sampler);
        for (long i = N / 2; i < N; i++) {
            assertThat(next).contains(i);
        }
        assertThat(next).contains(0L, 1L); // 0 is above the mean, 1 was never recorded
        assertThat(next.size()).isLessThan(N - 400);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new InfoBatchSampler(0, 0.5, 0.1, s -> 0, 1)).hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> new InfoBatchSampler(8, 1, 0.1, s -> 0, 1)).hasMessageContaining("prune ratio 1.0")
                .hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new InfoBatchSampler(8, -0.1, 0.1, s -> 0, 1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> new InfoBatchSampler(8, 0.5, 1.5, s -> 0, 1)).hasMessageContaining("anneal fraction")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> InfoBatchSampler.forEpochs(8, 0.5, 0.1, 0, 1)).hasMessageContaining("epochs 0");
        InfoBatchSampler fresh = new InfoBatchSampler(8, 0.5, 0.1, s -> 0, 1);
        assertThatThrownBy(() -> fresh.weights(List.of(3L))).hasMessageContaining("no epoch was sampled");
    }
}
