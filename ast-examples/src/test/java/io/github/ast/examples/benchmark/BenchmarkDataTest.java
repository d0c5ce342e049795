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
            BenchmarkData splits = BenchmarkData.split(loaded, 10, 0, noise(0.2));
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

            BenchmarkData clean = BenchmarkData.split(loaded, 10, 30, DataKind.CLEAN);
            assertThat(clean.train().size()).isEqualTo(30);
            assertThat(clean.trainingFor(42).flipped()).isZero();
            assertThat(clean.trainingFor(42).split()).isSameAs(clean.train());
        }
    }

    private static DataKind noise(double fraction) {
        return new DataKind(fraction, DataKind.NoiseKind.SYMMETRIC, 1, 0, 0, 0);
    }

    @Test
    void dataKindsChangeOnlyTheTrainingSplitAndTheHoldoutIsSetAsideCleanFirst() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data loaded = data(m);
            float[] validation = loaded.train().slice(90, 100).labels().toFloatArray();
            float[] test = loaded.test().labels().toFloatArray();
            DataKind kind = new DataKind(0.4, DataKind.NoiseKind.ASYMMETRIC, 1, 2, 0.5, 20);
            BenchmarkData splits = BenchmarkData.split(loaded, 10, 0, kind);
            assertThat(splits.holdout().size()).isEqualTo(20);
            assertThat(splits.train().size()).isEqualTo(70);
            // the holdout is the last 20 training rows, clean
            assertThat(splits.holdout().labels().toFloatArray())
                    .containsExactly(loaded.train().slice(70, 90).labels().toFloatArray());
            try (BenchmarkData.Training training = splits.trainingFor(42)) {
                assertThat(training.split().size()).isEqualTo(70 + 2 * 35);
                assertThat(training.sourceOf()).hasSize(140);
                float[] noisy = training.split().labels().toFloatArray();
                float[] clean = splits.train().labels().toFloatArray();
                for (int row = 0; row < 140; row++) {
                    int source = row < 70 ? row : training.sourceOf()[row];
                    float original = clean[source];
                    if (noisy[row] != original) {
                        assertThat((int) original).isIn(0, 2, 4, 5, 6, 7, 9);
                    }
                }
                assertThat(training.flipped()).isPositive();
            }
            assertThat(splits.validation().labels().toFloatArray()).containsExactly(validation);
            assertThat(splits.test().labels().toFloatArray()).containsExactly(test);
            assertThat(splits.train().labels().toFloatArray()).containsExactly(loaded.train().slice(0, 70).labels()
                    .toFloatArray());
        }
    }

    @Test
    void aLongTailIsCutOnceAndRecordsItsOrderAndTail() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data loaded = data(m);
            BenchmarkData splits = BenchmarkData.split(loaded, 10, 0, new DataKind(0, DataKind.NoiseKind.SYMMETRIC,
                    9, 0, 0, 0));
            // 9 rows per class: n_r = round(9 * (1/9)^(r/9)) = 9, 7, 6, 4, 3, 3, 2, 2, 1, 1
            assertThat(splits.train().size()).isEqualTo(38);
            assertThat(splits.tail().counts()).containsExactlyInAnyOrder(9, 7, 6, 4, 3, 3, 2, 2, 1, 1);
            assertThat(splits.tailClasses()).hasSize(5);
            float[] labels = splits.train().labels().toFloatArray();
            int[] perClass = new int[10];
            for (float label : labels) {
                perClass[(int) label]++;
            }
            assertThat(perClass).containsExactly(splits.tail().counts());
            try (BenchmarkData.Training training = splits.trainingFor(42)) {
                assertThat(training.split()).isSameAs(splits.train());
                assertThat(training.classCounts()).containsExactly(java.util.Arrays.stream(perClass)
                        .asLongStream().toArray());
            }
        }
    }

    @Test
    void badSplitsAreNamed() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data loaded = data(m);
            assertThatThrownBy(() -> BenchmarkData.split(loaded, 100, 0, DataKind.CLEAN)).hasMessageContaining("--validation 100")
                    .hasMessageContaining("holds 100 images");
            assertThatThrownBy(() -> noise(1)).hasMessageContaining("--noise 1.0");
            assertThatThrownBy(() -> BenchmarkData.split(loaded, 10, 0, new DataKind(0, DataKind.NoiseKind.SYMMETRIC,
                    1, 0, 0, 90))).hasMessageContaining("--clean-holdout 90 must be below the 90");
            assertThatThrownBy(() -> DataKind.parseDuplicates("4x0.5")).hasMessageContaining("--duplicates '4x0.5'");
            assertThatThrownBy(() -> new DataKind(0, DataKind.NoiseKind.SYMMETRIC, 1, 4, 0, 0))
                    .hasMessageContaining("--duplicates 4:0.0");
            assertThatThrownBy(() -> DataKind.NoiseKind.of("pairwise")).hasMessageContaining("'pairwise' is unknown");
        }
    }
}
