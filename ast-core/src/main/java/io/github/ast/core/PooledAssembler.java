package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.Selection;
import java.util.ArrayList;
import java.util.List;

/**
 * Queues selected rows across batches and releases them in steps of exactly {@code size} rows (the remainder at
 * the epoch's end), so that selection at any rate trains full-size batches: the GPU-friendly shape, and the one
 * Selective Backprop and InfoBatch train with. Weighted losses are divided by the step's rows.
 *
 * <p>Queued rows are copies on the queue's own manager (batches close their arrays); everything stays on the engine.
 */
final class PooledAssembler implements BackwardAssembler {

    private final int size;
    private final NDManager pool;
    private final List<Piece> pieces = new ArrayList<>();
    private int queued;

    /** Rows of one batch waiting in the queue. */
    private record Piece(NDList data, NDList labels, NDArray weights, NDArray indices, int count) {
        /** Moves the piece's arrays to a manager and returns it. */
        Piece attach(NDManager manager) {
            data.attach(manager);
            labels.attach(manager);
            if (weights != null) {
                weights.attach(manager);
            }
            if (indices != null) {
                indices.attach(manager);
            }
            return this;
        }

        void close() {
            data.close();
            labels.close();
            if (weights != null) {
                weights.close();
            }
            if (indices != null) {
                indices.close();
            }
        }
    }

    /**
     * @param size rows per step, >= 1
     * @param runManager the queue's arrays live on a sub-manager of it
     */
    PooledAssembler(int size, NDManager runManager) {
        if (size < 1) {
            throw new IllegalArgumentException("size=" + size + " must be >= 1");
        }
        this.size = size;
        this.pool = runManager.newSubManager();
    }

    @Override
    public List<StepRows> offer(Batch batch, Selection selection, NDArray indices, NDArray sampleWeights) {
        if (selection.count() > 0) {
            NDArray rows = selection.rows();
            NDIndex index = new NDIndex("{}", rows);
            Piece piece = new Piece(BackwardAssembler.selectRows(batch.getData(), rows),
                    BackwardAssembler.selectRows(batch.getLabels(), rows),
                    selection.weights() == null ? null : selection.weights().duplicate(),
                    indices == null ? null : indices.get(index), selection.count());
            pieces.add(piece.attach(pool));
            queued += piece.count();
        }
        List<StepRows> steps = new ArrayList<>();
        while (queued >= size) {
            steps.add(take(size, batch.getManager()));
        }
        return steps;
    }

    @Override
    public List<StepRows> flush(NDManager scratch) {
        return queued == 0 ? List.of() : List.of(take(queued, scratch));
    }

    @Override
    public int queued() {
        return queued;
    }

    /**
     * Takes the first {@code rows} queued rows as a step on {@code owner}, keeping the rest queued.
     */
    private StepRows take(int rows, NDManager owner) {
        Piece all = joined(owner);
        pieces.forEach(Piece::close);
        pieces.clear();
        int rest = queued - rows;
        if (rest > 0) {
            String tail = rows + ":";
            Piece kept = new Piece(slice(all.data(), tail), slice(all.labels(), tail),
                    all.weights() == null ? null : all.weights().get(tail).duplicate(),
                    all.indices() == null ? null : all.indices().get(tail).duplicate(), rest);
            pieces.add(kept.attach(pool));
        }
        queued = rest;
        String head = "0:" + rows;
        return new StepRows(rest > 0 ? slice(all.data(), head) : all.data(),
                rest > 0 ? slice(all.labels(), head) : all.labels(),
                all.weights() == null ? null : rest > 0 ? all.weights().get(head) : all.weights(), null,
                all.indices() == null ? null : rest > 0 ? all.indices().get(head) : all.indices(), rows, rows);
    }

    /** Concatenates the queued pieces onto {@code owner}; weights of 1 fill in for unweighted pieces. */
    private Piece joined(NDManager owner) {
        boolean weighted = pieces.stream().anyMatch(p -> p.weights() != null);
        boolean indexed = pieces.get(0).indices() != null;
        int arrays = pieces.get(0).data().size();
        int labelArrays = pieces.get(0).labels().size();
        NDList data = new NDList();
        for (int a = 0; a < arrays; a++) {
            int which = a;
            data.add(concat(pieces.stream().map(p -> p.data().get(which)).toList(), owner));
        }
        NDList labels = new NDList();
        for (int a = 0; a < labelArrays; a++) {
            int which = a;
            labels.add(concat(pieces.stream().map(p -> p.labels().get(which)).toList(), owner));
        }
        NDArray weights = weighted ? concat(pieces.stream().map(p -> p.weights() != null ? p.weights()
                : owner.ones(new Shape(p.count()), DataType.FLOAT32)).toList(), owner) : null;
        NDArray indices = indexed ? concat(pieces.stream().map(Piece::indices).toList(), owner) : null;
        return new Piece(data, labels, weights, indices, queued);
    }

    /** Concatenates arrays into a new array owned by {@code owner}. */
    private static NDArray concat(List<NDArray> arrays, NDManager owner) {
        NDArray joined = arrays.size() == 1 ? arrays.get(0).duplicate() : NDArrays.concat(new NDList(arrays));
        joined.attach(owner);
        return joined;
    }

    private static NDList slice(NDList arrays, String range) {
        NDList sliced = new NDList(arrays.size());
        arrays.forEach(array -> sliced.add(array.get(range).duplicate()));
        return sliced;
    }

    @Override
    public NDList export(NDManager scratch) {
        if (queued == 0) {
            return new NDList();
        }
        Piece all = joined(scratch);
        NDList saved = new NDList();
        saved.add(scratch.create(new long[] {all.data().size(), all.labels().size(), all.weights() == null ? 0 : 1,
            all.indices() == null ? 0 : 1}));
        saved.addAll(all.data());
        saved.addAll(all.labels());
        if (all.weights() != null) {
            saved.add(all.weights());
        }
        if (all.indices() != null) {
            saved.add(all.indices());
        }
        return saved;
    }

    @Override
    public void restore(NDList saved) {
        pieces.forEach(Piece::close);
        pieces.clear();
        queued = 0;
        if (saved.isEmpty()) {
            return;
        }
        long[] layout = saved.get(0).toLongArray();
        int arrays = Math.toIntExact(layout[0]);
        int labelArrays = Math.toIntExact(layout[1]);
        int next = 1;
        NDList data = copies(saved.subNDList(next), arrays);
        next += arrays;
        NDList labels = copies(saved.subNDList(next), labelArrays);
        next += labelArrays;
        NDArray weights = layout[2] == 1 ? copies(saved.subNDList(next++), 1).head() : null;
        NDArray indices = layout[3] == 1 ? copies(saved.subNDList(next), 1).head() : null;
        int count = Math.toIntExact(data.head().getShape().get(0));
        pieces.add(new Piece(data, labels, weights, indices, count));
        queued = count;
    }

    /** Copies the first {@code n} arrays into the queue's manager. */
    private NDList copies(NDList arrays, int n) {
        NDList copied = new NDList(n);
        for (int i = 0; i < n; i++) {
            NDArray copy = arrays.get(i).duplicate();
            copy.attach(pool);
            copied.add(copy);
        }
        return copied;
    }

    @Override
    public void close() {
        pieces.clear();
        queued = 0;
        pool.close();
    }
}
