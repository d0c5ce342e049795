package io.github.ast.examples.datakinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeduplicationTest {

    /**
     * Uncorrelated random images of three classes, then a copy of every other one with faint noise (an exact
     * duplicate for the first): the copies go, the originals stay, and rows of another class are never compared.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void removesCopiesAndKeepsTheOriginals(String engine) {
        int n = 300;
        int pixels = 28 * 28;
        Random random = new Random(5);
        float[] images = new float[(n + n / 2) * pixels];
        float[] labels = new float[n + n / 2];
        for (int i = 0; i < n * pixels; i++) {
            images[i] = random.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        for (int k = 0; k < n / 2; k++) {
            int original = 2 * k;
            for (int p = 0; p < pixels; p++) {
                float noise = k == 0 ? 0 : (float) (0.01 * random.nextGaussian());
                images[(n + k) * pixels + p] = images[original * pixels + p] + noise;
            }
            labels[n + k] = labels[original];
        }
        try (NDManager m = NDManager.newBaseManager(engine)) {
            NDArray all = m.create(images, new Shape(labels.length, 1, 28, 28));
            int[] kept = new Deduplication(Deduplication.DEFAULT_THRESHOLD).keep(all, labels, 3);
            assertThat(kept).containsExactly(java.util.stream.IntStream.range(0, n).toArray());
            // the same two images in different classes are both kept
            float[] twoClasses = labels.clone();
            twoClasses[n] = (labels[0] + 1) % 3;
            assertThat(new Deduplication(0.999).keep(all, twoClasses, 3)).contains(0, n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch"})
    void badInputIsNamed(String engine) {
        assertThatThrownBy(() -> new Deduplication(0)).hasMessageContaining("--dedup-threshold 0.0");
        try (NDManager m = NDManager.newBaseManager(engine)) {
            assertThatThrownBy(() -> new Deduplication(0.9).keep(m.zeros(new Shape(2, 1, 6, 6)), new float[2], 3))
                    .hasMessageContaining("multiple of 4");
        }
    }
}
