package io.github.ast.djl.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Rs2SamplerTest {

    private static NDManager manager;
    private static ArrayDataset dataset;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager("PyTorch");
        dataset = new ArrayDataset.Builder().setData(manager.arange(100f).reshape(100, 1)).setSampling(10, false)
                .build();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<List<Long>> epoch(Rs2Sampler sampler) {
        List<List<Long>> batches = new ArrayList<>();
        sampler.sample(dataset).forEachRemaining(b -> batches.add(List.copyOf(b)));
        return batches;
    }

    private static List<Long> flat(List<List<Long>> batches) {
        return batches.stream().flatMap(List::stream).toList();
    }

    @Test
    void fullFractionIsAShuffledPermutationEveryEpoch() {
        Rs2Sampler sampler = new Rs2Sampler(32, 1, false, 7);
        List<Long> first = flat(epoch(sampler));
        List<Long> second = flat(epoch(sampler));
        List<Long> all = LongStream.range(0, 100).boxed().toList();
        assertThat(first).containsExactlyInAnyOrderElementsOf(all);
        assertThat(second).containsExactlyInAnyOrderElementsOf(all);
        assertThat(first).isNotEqualTo(all).isNotEqualTo(second);
        assertThat(epoch(new Rs2Sampler(32, 1, false, 7)).stream().map(List::size).toList())
                .containsExactly(32, 32, 32, 4);
        assertThat(epoch(new Rs2Sampler(32, 1, true, 7)).stream().map(List::size).toList())
                .containsExactly(32, 32, 32);
    }

    @Test
    void subsetsWalkOnePermutationSoEverySampleTrainsBeforeAnyRepeats() {
        Rs2Sampler sampler = new Rs2Sampler(10, 0.25, false, 3);
        assertThat(sampler.epochSize(100)).isEqualTo(25);
        Set<Long> seen = new HashSet<>();
        for (int e = 0; e < 4; e++) {
            List<Long> epoch = flat(epoch(sampler));
            assertThat(epoch).hasSize(25).doesNotHaveDuplicates();
            for (Long index : epoch) {
                assertThat(seen.add(index)).as("index %d repeated before the permutation ended", index).isTrue();
            }
        }
        assertThat(seen).hasSize(100);
        assertThat(flat(epoch(sampler))).hasSize(25).doesNotHaveDuplicates();
    }

    @Test
    void aSubsetCrossingTheEndOfAPermutationContinuesInTheNextOne() {
        Rs2Sampler sampler = new Rs2Sampler(10, 0.3, false, 5);
        for (int e = 0; e < 3; e++) {
            epoch(sampler);
        }
        List<Long> fourth = flat(epoch(sampler)); // 10 from the first permutation, 20 from the next
        assertThat(fourth).hasSize(30).doesNotHaveDuplicates();
        // The second pass still holds every index once: the 20 above, then 80 more over the next epochs.
        List<Long> secondPass = new ArrayList<>(fourth.subList(10, 30));
        for (int e = 0; e < 3; e++) {
            secondPass.addAll(flat(epoch(sampler)));
        }
        assertThat(secondPass.subList(0, 100)).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 100).boxed()
                .toList());
    }

    @Test
    void noEpochRepeatsAnIndexForAnyFraction() {
        for (double fraction : new double[] {0.07, 0.3, 0.45, 0.66, 0.99}) {
            Rs2Sampler sampler = new Rs2Sampler(7, fraction, false, 17);
            for (int e = 0; e < 12; e++) {
                assertThat(flat(epoch(sampler))).as("fraction %s epoch %d", fraction, e).doesNotHaveDuplicates()
                        .hasSize((int) sampler.epochSize(100));
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBatches() {
        Iterator<List<Long>> a = new Rs2Sampler(16, 0.5, false, 11).sample(dataset);
        Iterator<List<Long>> b = new Rs2Sampler(16, 0.5, false, 11).sample(dataset);
        while (a.hasNext()) {
            assertThat(a.next()).isEqualTo(b.next());
        }
        assertThat(b.hasNext()).isFalse();
        assertThat(flat(epoch(new Rs2Sampler(16, 0.5, false, 12))))
                .isNotEqualTo(flat(epoch(new Rs2Sampler(16, 0.5, false, 11))));
    }

    @Test
    void trainsThroughDjlsOwnDatasetIteration() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ArrayDataset data = new ArrayDataset.Builder().setData(m.arange(20f).reshape(20, 1))
                    .optLabels(m.arange(20f)).setSampling(new Rs2Sampler(4, 0.5, false, 1)).build();
            List<Float> labels = new ArrayList<>();
            for (ai.djl.training.dataset.Batch batch : data.getData(m)) {
                try (batch) {
                    assertThat(batch.getSize()).isEqualTo(batch.getLabels().head().getShape().get(0));
                    for (float label : batch.getLabels().head().toFloatArray()) {
                        labels.add(label);
                    }
                }
            }
            assertThat(labels).hasSize(10).doesNotHaveDuplicates();
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new Rs2Sampler(0, 0.5, false, 1)).hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> new Rs2Sampler(8, 0, false, 1)).hasMessageContaining("RS2 fraction 0.0")
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new Rs2Sampler(8, 1.5, false, 1)).hasMessageContaining("1.5");
    }

    /**
     * A size set while an epoch is drawn applies from the next batch on, and the epoch still holds every index it
     * would have held; a size below 1 is refused and changes nothing.
     */
    @Test
    void aBatchSizeSetMidEpochAppliesFromTheNextBatch() {
        List<Long> fixed = flat(epoch(new Rs2Sampler(30, 0.5, false, 3)));
        Rs2Sampler sampler = new Rs2Sampler(30, 0.5, false, 3);
        Iterator<List<Long>> batches = sampler.sample(dataset);
        List<List<Long>> drawn = new ArrayList<>();
        drawn.add(List.copyOf(batches.next()));
        sampler.setBatchSize(7);
        assertThatThrownBy(() -> sampler.setBatchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch size 0 must be >= 1");
        batches.forEachRemaining(b -> drawn.add(List.copyOf(b)));
        assertThat(drawn).extracting(List::size).containsExactly(30, 7, 7, 6);
        assertThat(sampler.getBatchSize()).isEqualTo(7);
        assertThat(flat(drawn)).isEqualTo(fixed);
    }
}
