package io.github.ast.examples.benchmark;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.datakinds.LabelNoise;
import io.github.ast.examples.datakinds.LongTail;
import io.github.ast.examples.datakinds.NearDuplicates;

/**
 * The benchmark's splits: training, a fixed validation split held out from the end of the training file (to tune
 * on), the test file (to report on) and, when asked for, a clean holdout set aside from the end of the training split
 * before anything else. A long tail is cut once per configuration (its class order from a fixed seed, so every arm and
 * seed trains the same rows); near-copies and label noise are made per run seed, so every arm of a seed sees the same
 * training data. Validation, test and holdout stay clean and balanced.
 *
 * @param source where the data came from
 * @param train the training split, before near-copies and noise
 * @param validation the validation split
 * @param test the test split
 * @param kind what is done to the training split
 * @param holdout the clean holdout, null without one
 * @param tail the long tail cut from the training split, null when balanced
 */
record BenchmarkData(String source, FashionMnist.Split train, FashionMnist.Split validation, FashionMnist.Split test,
        DataKind kind, FashionMnist.Split holdout, LongTail tail) {

    /** Seeds which class heads the long tail, the same in every configuration. */
    static final long CLASS_ORDER_SEED = 0;

    /**
     * Splits a loaded data set.
     *
     * @param data the loaded files
     * @param validationSize images held out from the end of the training file, >= 1
     * @param limit use only the first {@code limit} training images of the rest (0 for all)
     * @param kind what to do to the training split
     * @return the splits
     * @throws IllegalArgumentException if the training file is too small for the validation split or the holdout
     */
    static BenchmarkData split(FashionMnist.Data data, long validationSize, long limit, DataKind kind) {
        long n = data.train().size();
        if (validationSize < 1 || validationSize >= n) {
            throw new IllegalArgumentException("--validation " + validationSize + " must be in [1, " + n + "): the "
                    + "training file holds " + n + " images");
        }
        long trainEnd = n - validationSize;
        long used = limit > 0 ? Math.min(limit, trainEnd) : trainEnd;
        FashionMnist.Split train = data.train().slice(0, used);
        FashionMnist.Split holdout = null;
        if (kind.cleanHoldout() > 0) {
            if (kind.cleanHoldout() >= used) {
                throw new IllegalArgumentException("--clean-holdout " + kind.cleanHoldout() + " must be below the "
                        + used + " training images");
            }
            holdout = train.slice(used - kind.cleanHoldout(), used);
            train = train.slice(0, used - kind.cleanHoldout());
        }
        LongTail tail = null;
        if (kind.imbalance() > 1) {
            tail = LongTail.of(train.labels().toFloatArray(), FashionMnist.CLASSES, kind.imbalance(),
                    CLASS_ORDER_SEED);
            train = train.rows(tail.kept());
        }
        return new BenchmarkData(data.source(), train, data.train().slice(trainEnd, n), data.test(), kind, holdout,
                tail);
    }

    /**
     * The training split a seed trains on: the split itself, or a copy with near-copies added and labels flipped
     * with the seed.
     *
     * @param seed the run's seed
     * @return the rows to train on; closing it frees what it made
     */
    Training trainingFor(long seed) {
        FashionMnist.Split split = train;
        int[] sourceOf = null;
        if (kind.copies() > 0) {
            NearDuplicates copied = NearDuplicates.add(train.images().toFloatArray(), train.labels().toFloatArray(),
                    kind.copies(), kind.copyFraction(), Seeds.derive(seed, Seeds.DUPLICATES));
            NDManager manager = train.labels().getManager();
            Shape one = train.images().getShape().slice(1);
            split = new FashionMnist.Split(manager.create(copied.images(),
                    new Shape(copied.labels().length).addAll(one)), manager.create(copied.labels()));
            sourceOf = copied.sourceOf();
        }
        int flipped = 0;
        if (kind.noise() > 0) {
            float[] labels = split.labels().toFloatArray();
            long noiseSeed = Seeds.derive(seed, Seeds.LABEL_NOISE);
            LabelNoise.Flipped noisy = kind.noiseKind() == DataKind.NoiseKind.SYMMETRIC
                    ? LabelNoise.flip(labels, kind.noise(), FashionMnist.CLASSES, noiseSeed)
                    : LabelNoise.flipWithin(labels, kind.noise(), FashionMnist.CLASSES,
                            FashionMnist.confusableGroups(), noiseSeed);
            FashionMnist.Split relabelled = split.withLabels(noisy.labels());
            if (split.labels() != train.labels()) {
                split.labels().close();
            }
            split = relabelled;
            flipped = noisy.flipped().length;
        }
        return new Training(split, flipped, sourceOf, train);
    }

    /** {@return the classes whose test accuracy is the tail accuracy: the rarest half, or none when balanced} */
    int[] tailClasses() {
        return tail == null ? new int[0] : tail.tailClasses();
    }

    /**
     * A seed's training split.
     *
     * @param split images and the labels to train on
     * @param flipped how many labels differ from the clean ones
     * @param sourceOf for every row, the row it is a near-copy of, -1 for an original; null without copies
     * @param base the split it was made from, whose arrays it does not free
     */
    record Training(FashionMnist.Split split, int flipped, int[] sourceOf, FashionMnist.Split base)
            implements AutoCloseable {

        /** {@return every row's class index, read from the engine} */
        int[] classes() {
            float[] labels = split.labels().toFloatArray();
            int[] classes = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                classes[i] = (int) labels[i];
            }
            return classes;
        }

        /** {@return rows per class, for a loss that needs the priors} */
        long[] classCounts() {
            long[] counts = new long[FashionMnist.CLASSES];
            for (int c : classes()) {
                counts[c]++;
            }
            return counts;
        }

        @Override
        public void close() {
            if (split.images() != base.images()) {
                split.images().close();
            }
            if (split.labels() != base.labels()) {
                split.labels().close();
            }
        }
    }
}
