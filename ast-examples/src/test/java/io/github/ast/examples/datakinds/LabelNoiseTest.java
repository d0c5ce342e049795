package io.github.ast.examples.datakinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelNoiseTest {

    private static float[] labels(int n, long seed) {
        Random random = new Random(seed);
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(10);
        }
        return labels;
    }

    @Test
    void flipsExactlyTheFractionEachToAnotherClass() {
        float[] clean = labels(10_000, 1);
        float[] before = clean.clone();
        LabelNoise.Flipped noisy = LabelNoise.flip(clean, 0.2, 10, 42);
        assertThat(clean).containsExactly(before);
        assertThat(noisy.flipped()).hasSize(2000).doesNotHaveDuplicates().isSorted();
        int changed = 0;
        for (int i = 0; i < clean.length; i++) {
            if (noisy.labels()[i] != clean[i]) {
                changed++;
            }
        }
        assertThat(changed).isEqualTo(2000);
        for (int index : noisy.flipped()) {
            assertThat(noisy.labels()[index]).isNotEqualTo(clean[index]).isBetween(0f, 9f);
        }
    }

    @Test
    void theNewClassIsUniformAmongTheOthers() {
        float[] zeros = new float[90_000];
        LabelNoise.Flipped noisy = LabelNoise.flip(zeros, 1, 10, 3);
        int[] counts = new int[10];
        for (float label : noisy.labels()) {
            counts[(int) label]++;
        }
        assertThat(counts[0]).isZero();
        for (int c = 1; c < 10; c++) {
            assertThat(counts[c]).isBetween(9_700, 10_300); // 10,000 expected, sd ~94
        }
    }

    @Test
    void seededSoTheSameSeedFlipsTheSameLabels() {
        float[] clean = labels(1000, 2);
        LabelNoise.Flipped a = LabelNoise.flip(clean, 0.3, 10, 7);
        LabelNoise.Flipped b = LabelNoise.flip(clean, 0.3, 10, 7);
        LabelNoise.Flipped c = LabelNoise.flip(clean, 0.3, 10, 8);
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(a.flipped()).containsExactly(b.flipped());
        assertThat(c.flipped()).isNotEqualTo(a.flipped());
        assertThat(LabelNoise.flip(clean, 0, 10, 7).labels()).containsExactly(clean);
    }

    @Test
    void asymmetricNoiseFlipsOnlyWithinTheGroupsAtTheAskedRateInEveryGroupedClass() {
        float[] clean = labels(20_000, 4);
        int[][] groups = {{0, 2, 4, 6}, {5, 7, 9}};
        int[] groupOf = {0, -1, 0, -1, 0, 1, 0, 1, -1, 1};
        LabelNoise.Flipped noisy = LabelNoise.flipWithin(clean, 0.4, 10, groups, 9);
        int[] perClass = new int[10];
        int[] flippedPerClass = new int[10];
        for (float label : clean) {
            perClass[(int) label]++;
        }
        for (int i = 0; i < clean.length; i++) {
            int from = (int) clean[i];
            int to = (int) noisy.labels()[i];
            if (to != from) {
                flippedPerClass[from]++;
                assertThat(groupOf[from]).isNotNegative();
                assertThat(groupOf[to]).isEqualTo(groupOf[from]);
            }
        }
        for (int c = 0; c < 10; c++) {
            assertThat(flippedPerClass[c]).isEqualTo(groupOf[c] < 0 ? 0 : (int) Math.round(0.4 * perClass[c]));
        }
        assertThat(noisy.flipped()).hasSize(java.util.Arrays.stream(flippedPerClass).sum()).isSorted();
        // Within a group, the new class is uniform among the others: shirt (6) goes a third each to 0, 2, 4.
        int[] fromShirt = new int[10];
        for (int i = 0; i < clean.length; i++) {
            if (clean[i] == 6 && noisy.labels()[i] != 6) {
                fromShirt[(int) noisy.labels()[i]]++;
            }
        }
        for (int c : new int[] {0, 2, 4}) {
            assertThat(fromShirt[c]).isBetween(flippedPerClass[6] / 3 - 60, flippedPerClass[6] / 3 + 60);
        }
        assertThat(LabelNoise.flipWithin(clean, 0.4, 10, groups, 9).labels()).containsExactly(noisy.labels());
    }

    @Test
    void badGroupsAreNamed() {
        assertThatThrownBy(() -> LabelNoise.flipWithin(new float[3], 0.4, 10, new int[][] {{1}}, 1))
                .hasMessageContaining("[1] must hold 2 or more");
        assertThatThrownBy(() -> LabelNoise.flipWithin(new float[3], 0.4, 10, new int[][] {{1, 2}, {2, 3}}, 1))
                .hasMessageContaining("class 2");
        assertThatThrownBy(() -> LabelNoise.flipWithin(new float[3], 1.4, 10, new int[][] {{1, 2}}, 1))
                .hasMessageContaining("1.4");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> LabelNoise.flip(new float[3], 1.2, 10, 1)).hasMessageContaining("1.2")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> LabelNoise.flip(new float[3], 0.5, 1, 1)).hasMessageContaining("2 classes");
        assertThatThrownBy(() -> LabelNoise.flip(new float[] {0.5f}, 1, 10, 1)).hasMessageContaining("label 0.5")
                .hasMessageContaining("index 0");
    }
}
