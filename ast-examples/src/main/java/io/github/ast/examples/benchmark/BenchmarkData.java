package io.github.ast.examples.benchmark;

import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.LabelNoise;

/**
 * The benchmark's three splits: training, a fixed validation split held out from the end of the training file (to
 * tune on), and the test file (to report on). Label noise, when asked for, is applied to the training split only,
 * seeded per run seed, so every arm of a seed sees the same noisy labels and validation and test stay clean.
 *
 * @param source where the data came from
 * @param train the training split, clean labels
 * @param validation the validation split
 * @param test the test split
 * @param noise fraction of training labels to flip per seed, 0 for none
 */
record BenchmarkData(String source, FashionMnist.Split train, FashionMnist.Split validation, FashionMnist.Split test,
        double noise) {

    /**
     * Splits a loaded data set.
     *
     * @param data the loaded files
     * @param validationSize images held out from the end of the training file, >= 1
     * @param limit use only the first {@code limit} training images of the rest (0 for all)
     * @param noise fraction of training labels to flip, in [0, 1)
     * @return the splits
     * @throws IllegalArgumentException if the training file is too small for the validation split, or noise is out
     *     of range
     */
    static BenchmarkData split(FashionMnist.Data data, long validationSize, long limit, double noise) {
        long n = data.train().size();
        if (validationSize < 1 || validationSize >= n) {
            throw new IllegalArgumentException("--validation " + validationSize + " must be in [1, " + n + "): the "
                    + "training file holds " + n + " images");
        }
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("--noise " + noise + " must be in [0, 1)");
        }
        long trainEnd = n - validationSize;
        long used = limit > 0 ? Math.min(limit, trainEnd) : trainEnd;
        return new BenchmarkData(data.source(), data.train().slice(0, used), data.train().slice(trainEnd, n),
                data.test(), noise);
    }

    /**
     * The training split a seed trains on: the clean one, or a noisy copy flipped with the seed.
     *
     * @param seed the run's seed
     * @return the labels to train on and how many were flipped
     */
    Training trainingFor(long seed) {
        if (noise == 0) {
            return new Training(train, 0);
        }
        LabelNoise.Flipped flipped = LabelNoise.flip(train.labels().toFloatArray(), noise, FashionMnist.CLASSES,
                Seeds.derive(seed, Seeds.LABEL_NOISE));
        return new Training(train.withLabels(flipped.labels()), flipped.flipped().length);
    }

    /**
     * A seed's training split.
     *
     * @param split images and the labels to train on
     * @param flipped how many labels differ from the clean ones
     */
    record Training(FashionMnist.Split split, int flipped) {}
}
