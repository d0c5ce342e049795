package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.ast.examples.FashionMnist;
import org.junit.jupiter.api.Test;

class BenchmarkDataTest {

    private static FashionMnist.Data data(NDManager m) {
        float[] trainLabels = new float[100];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = i % 10;
        }
        float[] testLabels = new float[20];
        for (int i = 0; i < testLabels.length; i++) {
            testLabels[i] = (i * 3) % 10;
        }
        return new FashionMnist.Data("synthetic",
                new FashionMnist.Split(m.arange(100f * 4).reshape(100, 1, 2, 2), m.create(trainLabels)),
                new FashionMnist.Split(m.arange(20f * 4).reshape(20, 1, 2, 2), m.create(testLabels)));
    }

    @Test
    void validationIsHeldOutFromTheEndAndNoiseTouchesOnlyTraining() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data loaded = data(m);
            BenchmarkData splits = BenchmarkData.split(loaded, 10, 0, 0.2);
            assertThat(splits.train().size()).isEqualTo(90);
            assertThat(splits.validation().size()).isEqualTo(10);
            assertThat(splits.validation().images().toFloatArray()[0]).isEqualTo(90 * 4);
            float[] cleanTrain = splits.train().labels().toFloatArray();
            float[] validation = splits.validation().labels().toFloatArray();
            float[] test = splits.test().labels().toFloatArray();

            BenchmarkData.Training noisy = splits.trainingFor(42);
            float[] noisyLabels = noisy.split().labels().toFloatArray();
            int changed = 0;
            for (int i = 0; i < cleanTrain.length; i++) {
                changed += noisyLabels[i] != cleanTrain[i] ? 1 : 0;
            }
            assertThat(noisy.flipped()).isEqualTo(18);
            assertThat(changed).isEqualTo(18);
            assertThat(noisy.split().images()).isSameAs(splits.train().images());
            assertThat(splits.trainingFor(42).split().labels().toFloatArray()).containsExactly(noisyLabels);
            assertThat(splits.trainingFor(43).split().labels().toFloatArray()).isNotEqualTo(noisyLabels);
            // Validation, test and the clean training labels are untouched.
            assertThat(splits.train().labels().toFloatArray()).containsExactly(cleanTrain);
            assertThat(splits.validation().labels().toFloatArray()).containsExactly(validation);
            assertThat(splits.test().labels().toFloatArray()).containsExactly(test);
            assertThat(splits.test()).isSameAs(loaded.test());

            BenchmarkData clean = BenchmarkData.split(loaded, 10, 30, 0);
            assertThat(clean.train().size()).isEqualTo(30);
            assertThat(clean.trainingFor(42).flipped()).isZero();
            assertThat(clean.trainingFor(42).split()).isSameAs(clean.train());
        }
    }

    @Test
    void badSplitsAreNamed() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data loaded = data(m);
            assertThatThrownBy(() -> BenchmarkData.split(loaded, 100, 0, 0)).hasMessageContaining("--validation 100")
                    .hasMessageContaining("holds 100 images");
            assertThatThrownBy(() -> BenchmarkData.split(loaded, 10, 0, 1)).hasMessageContaining("--noise 1.0");
        }
    }
}
