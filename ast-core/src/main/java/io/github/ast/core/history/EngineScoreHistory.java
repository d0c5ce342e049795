package io.github.ast.core.history;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A {@link ScoreHistory} kept in engine arrays and updated by indexed assignment: no host round trip. */
final class EngineScoreHistory implements ScoreHistory {

    private final NDManager manager;
    private final long size;
    private final NDArray outputs;
    private final NDArray losses;
    private final NDArray seen;

    EngineScoreHistory(NDManager parent, long size, int classes) {
        this.manager = parent.newSubManager();
        this.size = size;
        this.outputs = manager.zeros(new Shape(size, classes));
        this.losses = manager.zeros(new Shape(size));
        this.seen = manager.zeros(new Shape(size));
    }

    EngineScoreHistory(NDManager parent, ai.djl.ndarray.NDList saved) {
        this.manager = parent.newSubManager();
        this.outputs = ownCopy(saved.get(0));
        this.losses = ownCopy(saved.get(1));
        this.seen = ownCopy(saved.get(2));
        for (NDArray array : new NDArray[] {outputs, losses, seen}) {
            array.attach(manager);
        }
        this.size = losses.size();
    }

    @Override
    public ai.djl.ndarray.NDList export(NDManager scratch) {
        return new ai.djl.ndarray.NDList(outputs, losses, seen);
    }

    @Override
    public boolean onHost() {
        return false;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Rows gather(NDArray indices) {
        NDManager target = indices.getManager();
        try (NDManager scope = borrow()) {
            NDIndex rows = new NDIndex("{}", indices);
            NDArray gatheredOutputs = outputs.get(rows);
            NDArray gatheredLosses = losses.get(rows);
            NDArray gatheredSeen = seen.get(rows);
            for (NDArray array : new NDArray[] {gatheredOutputs, gatheredLosses, gatheredSeen}) {
                array.attach(target);
            }
            return new Rows(gatheredOutputs, gatheredLosses, gatheredSeen.eq(0f));
        }
    }

    @Override
    public void update(NDArray indices, NDArray freshOutputs, NDArray freshLosses) {
        try (NDManager scope = borrow()) {
            NDIndex rows = new NDIndex("{}", indices);
            outputs.set(rows, freshOutputs.toType(DataType.FLOAT32, false));
            losses.set(rows, freshLosses.toType(DataType.FLOAT32, false));
            seen.set(rows, scope.ones(new Shape(indices.size())));
        }
    }

    /**
     * Lends the history's arrays to a scope for one gather or update: whatever the engine creates on their manager
     * meanwhile (results, index arrays) lands in the scope and is freed with it, instead of piling up on the
     * history's manager until the run ends; the arrays return to the history when the scope closes.
     */
    private NDManager borrow() {
        NDManager scope = manager.newSubManager();
        scope.tempAttachAll(outputs, losses, seen);
        return scope;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * Copies a restored array into memory of its own: on PyTorch {@code toType(sameType, true)} returns an alias, and
     * a decoded array's memory belongs to a Java buffer that is freed once the decoded array is collected.
     */
    private static NDArray ownCopy(NDArray saved) {
        return saved.duplicate().toType(DataType.FLOAT32, false);
    }
}
