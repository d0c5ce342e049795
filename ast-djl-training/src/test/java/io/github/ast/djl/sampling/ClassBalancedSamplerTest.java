package io.github.ast.djl.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassBalancedSamplerTest {

    @Test
    void everyClassIsDrawnAsOftenWhateverItsSize() {
        // A long tail: 900 rows of class 0, 90 of class 1, 10 of class 2 (and no class 3 row).
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 900 ? 0 : i < 990 ? 1 : 2;
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ArrayDataset dataset = new ArrayDataset.Builder().setData(manager.zeros(new Shape(1000, 1)))
                    .setSampling(1, false).build();
            ClassBalancedSampler sampler = new ClassBalancedSampler(50, labels, 7);
            int[] drawn = new int[4];
            List<Long> all = new ArrayList<>();
            for (int epoch = 0; epoch < 30; epoch++) {
                sampler.sample(dataset).forEachRemaining(batch -> {
                    assertThat(batch).hasSizeLessThanOrEqualTo(50);
                    all.addAll(batch);
                });
            }
            all.forEach(i -> drawn[labels[Math.toIntExact(i)]]++);
            assertThat(all).hasSize(30_000);
            for (int c = 0; c < 3; c++) {
                // 10,000 expected per class; 4 standard deviations of a binomial(30,000, 1/3) is about 330
                assertThat(drawn[c]).isBetween(9_670, 10_330);
            }
            assertThat(drawn[3]).isZero();
            // every row of the rarest class is drawn many times, with replacement
            assertThat(all.stream().filter(i -> i >= 990).distinct().count()).isEqualTo(10);
            ClassBalancedSampler again = new ClassBalancedSampler(50, labels, 7);
            List<Long> first = new ArrayList<>();
            again.sample(dataset).forEachRemaining(first::addAll);
            assertThat(first).isEqualTo(all.subList(0, 1000));
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new ClassBalancedSampler(0, new int[] {0}, 1)).hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> new ClassBalancedSampler(8, new int[] {0, -1}, 1))
                .hasMessageContaining("label -1 at row 1");
    }
}
