package io.github.ast.examples.datakinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {

    private static final int SIDE = 8;
    private static final int PIXELS = SIDE * SIDE;

    private static float[] images(int n) {
        Random random = new Random(3);
        float[] images = new float[n * PIXELS];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        return images;
    }

    @Test
    void copiesAreShiftedNoisyVersionsOfTheirOriginalsAndNeverByteIdentical() {
        int n = 40;
        float[] images = images(n);
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        NearDuplicates copied = NearDuplicates.add(images, labels, 4, 0.5, 11);
        assertThat(copied.labels()).hasSize(n + 4 * 20);
        assertThat(copied.copies()).isEqualTo(80);
        assertThat(Arrays.copyOf(copied.images(), n * PIXELS)).containsExactly(images);
        int[] perOriginal = new int[n];
        for (int row = n; row < copied.labels().length; row++) {
            int source = copied.sourceOf()[row];
            assertThat(source).isBetween(0, n - 1);
            perOriginal[source]++;
            assertThat(copied.labels()[row]).isEqualTo(labels[source]);
            float[] copy = Arrays.copyOfRange(copied.images(), row * PIXELS, (row + 1) * PIXELS);
            float[] original = Arrays.copyOfRange(images, source * PIXELS, (source + 1) * PIXELS);
            assertThat(copy).isNotEqualTo(original);
            // Some one-pixel shift of the original matches the copy's interior to within the noise.
            assertThat(bestShiftError(original, copy)).isLessThan(5 * NearDuplicates.PIXEL_NOISE);
            for (float v : copy) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
        assertThat(Arrays.stream(perOriginal).filter(k -> k == 4).count()).isEqualTo(20);
        assertThat(Arrays.stream(perOriginal).filter(k -> k != 0 && k != 4).count()).isZero();
        assertThat(Arrays.copyOf(copied.sourceOf(), n)).containsOnly(-1);
        assertThat(NearDuplicates.add(images, labels, 4, 0.5, 11).images()).containsExactly(copied.images());
    }

    /** The smallest root-mean-square interior difference over the eight one-pixel shifts. */
    private static double bestShiftError(float[] original, float[] copy) {
        double best = Double.POSITIVE_INFINITY;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                if (dx == 0 && dy == 0) {
                    continue;
                }
                double sum = 0;
                int count = 0;
                for (int y = 1; y < SIDE - 1; y++) {
                    for (int x = 1; x < SIDE - 1; x++) {
                        double d = copy[y * SIDE + x] - original[(y - dy) * SIDE + (x - dx)];
                        sum += d * d;
                        count++;
                    }
                }
                best = Math.min(best, Math.sqrt(sum / count));
            }
        }
        return best;
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> NearDuplicates.add(images(4), new float[4], 0, 0.5, 1))
                .hasMessageContaining("copies 0");
        assertThatThrownBy(() -> NearDuplicates.add(images(4), new float[4], 2, 1.5, 1))
                .hasMessageContaining("fraction 1.5");
        assertThatThrownBy(() -> NearDuplicates.add(new float[10], new float[2], 2, 0.5, 1))
                .hasMessageContaining("not square");
    }
}
