package io.github.ast.examples.datakinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LongTailTest {

    /** 10 classes with 1,000 to 1,009 rows each, interleaved. */
    private static float[] labels() {
        float[] labels = new float[10_045];
        int[] left = new int[10];
        Arrays.setAll(left, c -> 1000 + c);
        for (int i = 0, c = 0; i < labels.length; c = (c + 1) % 10) {
            if (left[c] > 0) {
                left[c]--;
                labels[i++] = c;
            }
        }
        return labels;
    }

    @Test
    void countsFallExponentiallyFromTheSmallestClassToItOverTheRatio() {
        float[] labels = labels();
        LongTail tail = LongTail.of(labels, 10, 100, 0);
        int[] byRank = new int[10];
        for (int rank = 0; rank < 10; rank++) {
            byRank[rank] = tail.counts()[tail.order()[rank]];
        }
        // n_r = round(1000 * 0.01^(r / 9)): 1000, 599, 359, 215, 129, 77, 46, 28, 17, 10
        assertThat(byRank).containsExactly(1000, 599, 359, 215, 129, 77, 46, 28, 17, 10);
        assertThat(tail.order()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(tail.kept()).hasSize(Arrays.stream(tail.counts()).sum()).isSorted().doesNotHaveDuplicates();
        int[] keptPerClass = new int[10];
        for (int i : tail.kept()) {
            keptPerClass[(int) labels[i]]++;
        }
        assertThat(keptPerClass).containsExactly(tail.counts());
        // each class keeps its first rows in index order
        for (int c = 0; c < 10; c++) {
            int klass = c;
            int[] rows = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == klass).toArray();
            int[] kept = Arrays.stream(tail.kept()).filter(i -> labels[i] == klass).toArray();
            assertThat(kept).containsExactly(Arrays.copyOf(rows, tail.counts()[c]));
        }
        assertThat(tail.tailClasses()).hasSize(5).containsExactlyInAnyOrder(Arrays.copyOfRange(tail.order(), 5, 10));
    }

    @Test
    void theHeadClassFollowsTheSeedAndRatioOneKeepsTheSmallestClassSizeEverywhere() {
        float[] labels = labels();
        assertThat(LongTail.of(labels, 10, 100, 0).order()).containsExactly(LongTail.of(labels, 10, 100, 0).order());
        assertThat(LongTail.of(labels, 10, 100, 1).order()).isNotEqualTo(LongTail.of(labels, 10, 100, 0).order());
        assertThat(LongTail.of(labels, 10, 1, 0).counts()).containsOnly(1000);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> LongTail.of(labels(), 10, 0.5, 0)).hasMessageContaining("--imbalance 0.5");
        assertThatThrownBy(() -> LongTail.of(new float[] {0, 1, 1}, 3, 10, 0)).hasMessageContaining("class 2 has no");
        assertThatThrownBy(() -> LongTail.of(new float[] {0, 7}, 3, 10, 0)).hasMessageContaining("label 7.0 at index 1");
    }
}
