package io.github.ast.djl.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A selection made elsewhere: every selected index once per epoch, reshuffled, with its own weight. */
class WeightedSubsetSamplerTest {

    private static ArrayDataset dataset(NDManager manager, int size, WeightedSubsetSampler sampler) {
        return new ArrayDataset.Builder().setData(manager.zeros(new ai.djl.ndarray.types.Shape(size, 2)))
                .setSampling(sampler).build();
    }

    private static List<Long> epoch(WeightedSubsetSampler sampler, ArrayDataset dataset, List<Integer> sizes) {
        List<Long> all = new ArrayList<>();
        for (Iterator<List<Long>> it = sampler.sample(dataset); it.hasNext();) {
            List<Long> batch = it.next();
            sizes.add(batch.size());
            all.addAll(batch);
        }
        return all;
    }

    @Test
    void yieldsEachSelectedIndexOncePerEpochReshuffledInFullBatches() {
        long[] selected = {9, 2, 5, 7, 0, 4, 8};
        WeightedSubsetSampler sampler = new WeightedSubsetSampler(3, selected, new float[] {1, 2, 1, 1, 3, 1, 1}, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset dataset = dataset(manager, 10, sampler);
            List<Integer> sizes = new ArrayList<>();
            List<Long> first = epoch(sampler, dataset, sizes);
            List<Long> second = epoch(sampler, dataset, new ArrayList<>());
            assertThat(first).containsExactlyInAnyOrder(9L, 2L, 5L, 7L, 0L, 4L, 8L);
            assertThat(second).containsExactlyInAnyOrderElementsOf(first).isNotEqualTo(first);
            assertThat(sizes).containsExactly(3, 3, 1);
            assertThat(sampler.weights(List.of(0L, 2L, 9L))).containsExactly(3f, 2f, 1f);
            assertThatThrownBy(() -> sampler.weights(List.of(1L))).hasMessageContaining("index 1 is not in");
        }
    }

    @Test
    void aSelectionForALargerDatasetIsRefused() {
        WeightedSubsetSampler sampler = new WeightedSubsetSampler(2, new long[] {3, 12}, new float[] {1, 1}, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset dataset = dataset(manager, 10, sampler);
            assertThatThrownBy(() -> sampler.sample(dataset)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("index 12").hasMessageContaining("10 samples");
        }
    }

    @Test
    void badSelectionsAreRefusedAndTheCurrentOneStays() {
        WeightedSubsetSampler sampler = new WeightedSubsetSampler(2, new long[] {1}, new float[] {1}, 1);
        assertThatThrownBy(() -> sampler.use(new long[] {1, 1}, new float[] {1, 1}))
                .hasMessageContaining("index 1 is selected twice");
        assertThatThrownBy(() -> sampler.use(new long[] {-2}, new float[] {1})).hasMessageContaining("-2");
        assertThatThrownBy(() -> sampler.use(new long[] {2}, new float[] {Float.NaN})).hasMessageContaining("NaN");
        assertThatThrownBy(() -> sampler.use(new long[] {2}, new float[] {1, 2})).hasMessageContaining("2 weights");
        assertThat(sampler.size()).isEqualTo(1);
        assertThat(sampler.weights(List.of(1L))).containsExactly(1f);
    }
}
