package io.github.ast.core.history;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A {@link ScoreHistory} in Java arrays, for engines without indexed assignment (MXNet): a gather builds the batch's
 * rows on the host and uploads them, an update downloads the trained rows once.
 */
final class HostScoreHistory implements ScoreHistory {

    private final NDManager manager;
    private final int classes;
    private final float[] outputs;
    private final float[] losses;
    private final boolean[] seen;

    HostScoreHistory(NDManager manager, long size, int classes) {
        if (size * classes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a host history holds at most " + Integer.MAX_VALUE
                    + " values; size=" + size + " x classes=" + classes + " is too large");
        }
        this.manager = manager;
        this.classes = classes;
        this.outputs = new float[Math.toIntExact(size * classes)];
        this.losses = new float[Math.toIntExact(size)];
        this.seen = new boolean[Math.toIntExact(size)];
    }

    HostScoreHistory(NDManager manager, ai.djl.ndarray.NDList saved) {
        this(manager, saved.get(1).size(), Math.toIntExact(saved.get(0).getShape().get(1)));
        float[] savedOutputs = saved.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] savedLosses = saved.get(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] savedSeen = saved.get(2).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(savedOutputs, 0, outputs, 0, outputs.length);
        System.arraycopy(savedLosses, 0, losses, 0, losses.length);
        for (int i = 0; i < seen.length; i++) {
            seen[i] = savedSeen[i] != 0;
        }
    }

    @Override
    public ai.djl.ndarray.NDList export(NDManager scratch) {
        float[] seenFlags = new float[seen.length];
        for (int i = 0; i < seen.length; i++) {
            seenFlags[i] = seen[i] ? 1f : 0f;
        }
        return new ai.djl.ndarray.NDList(scratch.create(outputs, new Shape(losses.length, classes)),
                scratch.create(losses), scratch.create(seenFlags));
    }

    @Override
    public boolean onHost() {
        return true;
    }

    @Override
    public long size() {
        return losses.length;
    }

    @Override
    public Rows gather(NDArray indices) {
        long[] rows = indices.toLongArray();
        float[] gatheredOutputs = new float[rows.length * classes];
        float[] gatheredLosses = new float[rows.length];
        boolean[] unseen = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int row = Math.toIntExact(rows[i]);
            System.arraycopy(outputs, row * classes, gatheredOutputs, i * classes, classes);
            gatheredLosses[i] = losses[row];
            unseen[i] = !seen[row];
        }
        NDManager target = indices.getManager();
        return new Rows(target.create(gatheredOutputs, new Shape(rows.length, classes)),
                target.create(gatheredLosses), target.create(unseen));
    }

    @Override
    public void update(NDArray indices, NDArray freshOutputs, NDArray freshLosses) {
        long[] rows = indices.toLongArray();
        float[] newOutputs = freshOutputs.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] newLosses = freshLosses.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < rows.length; i++) {
            int row = Math.toIntExact(rows[i]);
            System.arraycopy(newOutputs, i * classes, outputs, row * classes, classes);
            losses[row] = newLosses[i];
            seen[row] = true;
        }
    }

    @Override
    public void close() {
        // Java arrays: nothing to release; the manager belongs to the caller.
    }
}
