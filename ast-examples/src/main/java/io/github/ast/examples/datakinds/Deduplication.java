package io.github.ast.examples.datakinds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Near-duplicate removal as a practitioner runs it before training (in the spirit of SemDeDup, on pixels instead of
 * embeddings): every image is average-pooled 4 x 4, centred and normalised, and a row is dropped when an earlier row
 * of its class is more similar (cosine) than {@code threshold}. Exact duplicates have similarity 1; a one-pixel shift
 * with noise stays close after pooling, but so do many distinct images of a class. Comparisons run on the engine, a
 * block of rows against the rows of its class before it.
 *
 * @param threshold cosine similarity above which a later row counts as a copy, in (0, 1)
 */
public record Deduplication(double threshold) {

    /**
     * The threshold the benchmark's {@code dedup} arm uses unless told otherwise: of 0.95, 0.97 and 0.99, the one
     * that removed the most more copies than originals on training data ({@code scripts/dedup-threshold.sh}).
     */
    public static final double DEFAULT_THRESHOLD = 0.97;

    /** The pooling window: 4 x 4 pixels, so that one-pixel shifts mostly stay in their window. */
    private static final int POOL = 4;

    /** Rows compared against their class at once: a 2,048 x class-size similarity block. */
    private static final int BLOCK = 2048;

    /**
     * Checks the threshold.
     *
     * @param threshold in (0, 1): an exact duplicate's similarity is 1 up to rounding
     */
    public Deduplication {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("--dedup-threshold " + threshold + " must be in (0, 1)");
        }
    }

    /**
     * Finds the rows to keep.
     *
     * @param images (n, 1, side, side) with {@code side} a multiple of 4
     * @param labels the rows' classes, as floats
     * @param classes number of classes
     * @return the kept rows' indices, ascending
     * @throws IllegalArgumentException if the images' side is not a multiple of 4 or the counts differ
     */
    public int[] keep(NDArray images, float[] labels, int classes) {
        long n = images.getShape().get(0);
        long side = images.getShape().get(images.getShape().dimension() - 1);
        if (side % POOL != 0 || n != labels.length) {
            throw new IllegalArgumentException("deduplication pools " + POOL + " x " + POOL + " pixels and needs "
                    + "images whose side is a multiple of " + POOL + " and one label each; got shape "
                    + images.getShape() + " and " + labels.length + " labels");
        }
        boolean[] drop = new boolean[labels.length];
        try (NDManager scope = images.getManager().newSubManager()) {
            scope.tempAttachAll(images); // what is computed from the images is freed with the scope
            long cells = side / POOL;
            // one axis at a time: PyTorch's mean takes one
            NDArray pooled = images.reshape(n, cells, POOL, cells, POOL).mean(new int[] {4}).mean(new int[] {2})
                    .reshape(n, cells * cells);
            NDArray centred = pooled.sub(pooled.mean(new int[] {1}, true));
            NDArray unit = centred.div(centred.norm(new int[] {1}, true).add(1e-6f));
            for (int c = 0; c < classes; c++) {
                int klass = c;
                int[] rows = IntStream.range(0, labels.length).filter(i -> labels[i] == klass).toArray();
                markCopies(scope, unit, rows, drop);
            }
        }
        return IntStream.range(0, labels.length).filter(i -> !drop[i]).toArray();
    }

    /**
     * Marks each row of one class whose most similar earlier row of the class is above the threshold: a block of
     * rows against every row before the block (no mask), and against itself below the diagonal.
     */
    private void markCopies(NDManager scope, NDArray unit, int[] rows, boolean[] drop) {
        if (rows.length < 2) {
            return;
        }
        try (NDManager classScope = scope.newSubManager()) {
            classScope.tempAttachAll(unit);
            NDArray members = unit.get(new NDIndex("{}", classScope.create(toLongs(rows))));
            for (int from = 0; from < rows.length; from += BLOCK) {
                int to = Math.min(rows.length, from + BLOCK);
                try (NDManager blockScope = classScope.newSubManager()) {
                    blockScope.tempAttachAll(members);
                    NDArray block = members.get(from + ":" + to);
                    NDArray position = blockScope.arange(0, to - from, 1, DataType.INT32);
                    NDArray below = position.reshape(1, -1).lt(position.reshape(-1, 1));
                    NDArray inBlock = block.matMul(block.transpose());
                    NDArray best = NDArrays.where(below, inBlock, blockScope.full(inBlock.getShape(), -2f))
                            .max(new int[] {1});
                    if (from > 0) {
                        best = best.maximum(block.matMul(members.get("0:" + from).transpose()).max(new int[] {1}));
                    }
                    float[] read = best.toFloatArray();
                    for (int i = 0; i < read.length; i++) {
                        drop[rows[from + i]] = read[i] > threshold;
                    }
                }
            }
        }
    }

    private static long[] toLongs(int[] values) {
        return Arrays.stream(values).asLongStream().toArray();
    }
}
