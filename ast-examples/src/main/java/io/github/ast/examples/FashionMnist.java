package io.github.ast.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST from IDX files: the full set from a directory (Debian's {@code dataset-fashion-mnist} by default)
 * or, when it is absent, the slice embedded in this jar (the first 6,000 training and 1,000 test images of the
 * same files), so the examples run out of the box.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the data set. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** Number of classes. */
    public static final int CLASSES = 10;

    /** The loss the examples train and evaluate with; evaluation reads it here, not from a trainer's own loss. */
    private static final Loss CROSS_ENTROPY = Loss.softmaxCrossEntropyLoss();

    private static final String EMBEDDED = "/fashion-mnist/";
    private static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /**
     * A loaded data set.
     *
     * @param source where it came from, for the run record
     * @param train training images and labels
     * @param test test images and labels
     */
    public record Data(String source, Split train, Split test) {}

    /**
     * One split: images scaled to [0, 1] as float32 of shape (n, 1, 28, 28), labels as float32 of shape (n).
     *
     * @param images the images
     * @param labels the labels
     */
    public record Split(NDArray images, NDArray labels) {

        /** {@return the number of samples} */
        public long size() {
            return labels.getShape().get(0);
        }

        /**
         * Returns samples {@code from} (inclusive) to {@code to} (exclusive), in order.
         *
         * @param from first index
         * @param to end index, at most {@link #size()}
         * @return the slice
         * @throws IllegalArgumentException if the range is empty or outside the split
         */
        public Split slice(long from, long to) {
            if (from < 0 || to > size() || from >= to) {
                throw new IllegalArgumentException("slice [" + from + ", " + to + ") is empty or outside a split of "
                        + size() + " samples");
            }
            String range = from + ":" + to;
            return new Split(images.get(range), labels.get(range));
        }

        /**
         * Returns some rows, in the order given, gathered on the engine.
         *
         * @param indices row indices in [0, size)
         * @return the rows
         * @throws IllegalArgumentException if an index is outside the split
         */
        public Split rows(int[] indices) {
            long n = size();
            long[] index = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                if (indices[i] < 0 || indices[i] >= n) {
                    throw new IllegalArgumentException("row " + indices[i] + " is outside a split of " + n
                            + " samples");
                }
                index[i] = indices[i];
            }
            try (NDArray rows = labels.getManager().create(index)) {
                NDIndex gather = new NDIndex("{}", rows);
                return new Split(images.get(gather), labels.get(gather));
            }
        }

        /**
         * Returns the same images with other labels, on the labels' manager.
         *
         * @param newLabels one class index per sample
         * @return the relabelled split
         * @throws IllegalArgumentException if the count differs
         */
        public Split withLabels(float[] newLabels) {
            if (newLabels.length != size()) {
                throw new IllegalArgumentException(newLabels.length + " labels for a split of " + size() + " samples");
            }
            return new Split(images, labels.getManager().create(newLabels));
        }

        /**
         * Returns a model's accuracy, mean cross-entropy and accuracy on each class on this split, gradient-free, in
         * batches of 1,000 whose arrays are freed as it goes. The cross-entropy is plain softmax cross-entropy whatever
         * loss the trainer trains with (a logit-adjusted one, say).
         *
         * @param trainer the trainer of the model
         * @return the scores
         */
        public Scores scores(Trainer trainer) {
            long n = size();
            double lossSum = 0;
            double[] correct = new double[CLASSES];
            double[] count = new double[CLASSES];
            for (long from = 0; from < n; from += EVALUATION_BATCH) {
                String range = from + ":" + Math.min(n, from + EVALUATION_BATCH);
                try (NDManager scope = trainer.getManager().newSubManager()) {
                    NDArray batchImages = images.get(range);
                    NDArray batchLabels = labels.get(range);
                    batchImages.attach(scope);
                    batchLabels.attach(scope);
                    NDArray logits = trainer.evaluate(new NDList(batchImages)).head();
                    logits.attach(scope);
                    NDArray classes = batchLabels.toType(DataType.INT64, false);
                    NDArray hit = logits.argMax(1).toType(DataType.INT64, false).eq(classes)
                            .toType(DataType.FLOAT32, false);
                    NDArray member = classes.reshape(-1, 1).eq(scope.arange(0, CLASSES, 1, DataType.INT64)
                            .reshape(1, -1)).toType(DataType.FLOAT32, false);
                    NDArray loss = CROSS_ENTROPY.evaluate(new NDList(batchLabels), new NDList(logits));
                    float[] read = NDArrays.concat(new NDList(hit.reshape(1, -1).matMul(member).reshape(-1),
                            member.sum(new int[] {0}), loss.reshape(1))).toFloatArray();
                    for (int c = 0; c < CLASSES; c++) {
                        correct[c] += read[c];
                        count[c] += read[CLASSES + c];
                    }
                    lossSum += read[2 * CLASSES] * batchLabels.getShape().get(0);
                }
            }
            double[] classAccuracy = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                classAccuracy[c] = count[c] == 0 ? Double.NaN : correct[c] / count[c];
            }
            return new Scores(Arrays.stream(correct).sum() / n, lossSum / n, classAccuracy);
        }

        /**
         * Wraps the split as a DJL dataset.
         *
         * @param batchSize the batch size
         * @param shuffle whether to shuffle every epoch
         * @param limit use at most this many samples (0 for all)
         * @return the dataset
         */
        public ArrayDataset dataset(int batchSize, boolean shuffle, long limit) {
            ArrayDataset.Builder builder = new ArrayDataset.Builder().setData(images).optLabels(labels)
                    .setSampling(batchSize, shuffle);
            if (limit > 0 && limit < size()) {
                builder.optLimit(limit);
            }
            return builder.build();
        }
    }

    /**
     * A model's scores on a split.
     *
     * @param accuracy the share of rows classified right
     * @param loss mean softmax cross-entropy
     * @param classAccuracy accuracy on each class's rows, NaN for a class the split lacks
     */
    public record Scores(double accuracy, double loss, double[] classAccuracy) {

        /** {@return the lowest accuracy of a class the split holds} */
        public double worstClass() {
            return Arrays.stream(classAccuracy).filter(a -> !Double.isNaN(a)).min().orElse(Double.NaN);
        }

        /**
         * Returns the mean accuracy over some classes, each weighing the same.
         *
         * @param classes the classes
         * @return their mean accuracy, NaN when none is given
         */
        public double meanOver(int[] classes) {
            return Arrays.stream(classes).mapToDouble(c -> classAccuracy[c]).average().orElse(Double.NaN);
        }
    }

    /**
     * Returns the groups of classes annotators confuse, for asymmetric label noise: T-shirt/top, pullover, coat and
     * shirt; sandal, sneaker and ankle boot.
     *
     * @return class indices, a fresh array
     */
    public static int[][] confusableGroups() {
        return new int[][] {{0, 2, 4, 6}, {5, 7, 9}};
    }

    /** Rows per evaluation batch. */
    private static final int EVALUATION_BATCH = 1000;

    private FashionMnist() {}

    /**
     * Loads the data set.
     *
     * @param manager where the arrays live
     * @param directory a directory with the four IDX files, or null for Debian's directory when present and the
     *     embedded slice otherwise
     * @return the data
     * @throws IOException if a file is missing, truncated or corrupt
     */
    public static Data load(NDManager manager, Path directory) throws IOException {
        if (directory != null) {
            for (String file : FILES) {
                if (!Files.isRegularFile(directory.resolve(file))) {
                    throw new IOException("Fashion-MNIST file " + directory.resolve(file) + " is missing; the "
                            + "directory must hold " + FILES);
                }
            }
            return read(manager, directory.toString(), file -> Files.newInputStream(directory.resolve(file)));
        }
        if (FILES.stream().allMatch(f -> Files.isRegularFile(DEBIAN_DIRECTORY.resolve(f)))) {
            return read(manager, DEBIAN_DIRECTORY.toString(),
                    file -> Files.newInputStream(DEBIAN_DIRECTORY.resolve(file)));
        }
        return loadEmbedded(manager);
    }

    /**
     * Loads the slice embedded in this jar: the first 6,000 training and 1,000 test images.
     *
     * @param manager where the arrays live
     * @return the data
     * @throws IOException if the resources are missing or corrupt
     */
    public static Data loadEmbedded(NDManager manager) throws IOException {
        return read(manager, "embedded slice (6,000 train / 1,000 test)", file -> {
            InputStream in = FashionMnist.class.getResourceAsStream(EMBEDDED + file);
            if (in == null) {
                throw new IOException("embedded Fashion-MNIST resource " + EMBEDDED + file + " is missing from the jar");
            }
            return in;
        });
    }

    private interface Opener {
        InputStream open(String file) throws IOException;
    }

    private static Data read(NDManager manager, String source, Opener opener) throws IOException {
        return new Data(source, split(manager, opener, "train"), split(manager, opener, "t10k"));
    }

    private static Split split(NDManager manager, Opener opener, String prefix) throws IOException {
        String imageFile = prefix + "-images-idx3-ubyte.gz";
        String labelFile = prefix + "-labels-idx1-ubyte.gz";
        IdxReader.Images images;
        byte[] labels;
        try (InputStream in = opener.open(imageFile)) {
            images = IdxReader.readImages(in, imageFile);
        }
        try (InputStream in = opener.open(labelFile)) {
            labels = IdxReader.readLabels(in, labelFile);
        }
        if (images.count() != labels.length) {
            throw new IOException(imageFile + " holds " + images.count() + " images but " + labelFile + " holds "
                    + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IOException(labelFile + ": label " + labels[i] + " at index " + i + " is outside [0, "
                        + CLASSES + ")");
            }
        }
        // IDX pixels are unsigned bytes (0-255): read as Java's signed bytes, every pixel above 127 would turn
        // negative and the brightest parts of an image would look darkest.
        NDArray pixels = manager.create(java.nio.ByteBuffer.wrap(images.pixels()),
                new Shape(images.count(), 1, images.rows(), images.columns()), DataType.UINT8);
        NDArray scaled = pixels.toType(DataType.FLOAT32, false).div(255f);
        pixels.close();
        NDArray labelArray = manager.create(labels, new Shape(labels.length)).toType(DataType.FLOAT32, false);
        return new Split(scaled, labelArray);
    }
}
