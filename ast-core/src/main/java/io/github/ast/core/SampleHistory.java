package io.github.ast.core;

import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.core.history.ScoreHistory;
import java.util.List;

/**
 * A run's memory of every sample's last outputs and loss, keyed by dataset index, for selection without a fresh
 * scoring pass ({@code ast.selection=history} or {@code stale}, or {@code ast.scoreEvery} above 1). Created empty on
 * the first record (its width is the model's output's); every trained row, and every row a fresh pass scores,
 * refreshes its entry.
 */
final class SampleHistory implements AutoCloseable {

    /** Deferred records flushed together: one host transfer for many batches on a history kept on the host. */
    private static final int DEFER = 64;

    private final NDManager manager;
    private final long size;
    private ScoreHistory history;
    /** Records not applied yet: (indices, outputs, losses) taken from their batches onto {@link #deferredManager}. */
    private final List<NDList> deferred = new java.util.ArrayList<>();
    private NDManager deferredManager;

    /**
     * @param parent the run's manager
     * @param size the training set's size
     */
    SampleHistory(NDManager parent, long size) {
        this.manager = parent.newSubManager();
        this.size = size;
    }

    /**
     * Returns the size of the history a run keeps: the training set's when scores come from a history on some
     * batches (history or stale selection, scoring every k-th, or a policy that scores from the history), -1 when
     * every batch is scored afresh.
     *
     * @throws ConfigurationException if a history is needed and the training set is not a RandomAccessDataset
     */
    static long sizeFor(AstConfig config, SelectionPolicy policy, Dataset trainingSet) {
        if (!keeps(config, policy)) {
            return -1;
        }
        if (!(trainingSet instanceof RandomAccessDataset randomAccess)) {
            throw new ConfigurationException(setting(config, policy) + " needs a RandomAccessDataset (ArrayDataset "
                    + "...) whose batches carry dataset indices; got " + trainingSet.getClass().getName());
        }
        return randomAccess.size();
    }

    /** Whether scores come from a history on some batches. */
    static boolean keeps(AstConfig config, SelectionPolicy policy) {
        return config.selection().mode() != SelectionConfig.Mode.FRESH || config.scoring().needsHistory()
                || policy instanceof SelectionPolicy.ScoresFromHistory scores && scores.keepsHistory();
    }

    /** The setting that makes a run keep a history, for messages. */
    static String setting(AstConfig config, SelectionPolicy policy) {
        if (policy instanceof SelectionPolicy.ScoresFromHistory scores && scores.keepsHistory()) {
            return "ast.policy=" + config.plugins().policy() + " (which scores batches from the losses they trained "
                    + "with)";
        }
        return config.selection().mode() != SelectionConfig.Mode.FRESH
                ? "ast.selection=" + config.selection().mode().label()
                : "ast.scoreEvery=" + config.scoring().every();
    }

    /** Stale scores of a batch's rows; rows never seen are marked unseen and carry zeros. */
    ScoreSource.Scores gather(Batch batch, NDArray indices) {
        applyDeferred();
        if (history == null) {
            int rows = batch.getSize();
            NDManager batchManager = batch.getManager();
            return ScoreSource.Scores.stale(new NDList(batchManager.zeros(new Shape(rows, 1))),
                    batchManager.zeros(new Shape(rows)), batchManager.ones(new Shape(rows), DataType.BOOLEAN));
        }
        ScoreHistory.Rows rows = history.gather(indices);
        return ScoreSource.Scores.stale(new NDList(rows.outputs()), rows.losses(), rows.unseen());
    }

    /**
     * Records fresh values of some rows.
     *
     * @param indices their dataset indices
     * @param outputs their outputs (rows, classes)
     * @param losses their losses (rows)
     */
    void record(NDArray indices, NDArray outputs, NDArray losses) {
        applyDeferred(); // older records first
        update(indices, outputs, losses);
    }

    private void update(NDArray indices, NDArray outputs, NDArray losses) {
        create(outputs);
        history.update(indices, outputs.stopGradient(), losses.stopGradient());
    }

    /** Creates the history on the first record, as wide as the model's outputs. */
    private void create(NDArray outputs) {
        if (history == null) {
            history = ScoreHistory.create(manager, size, Math.toIntExact(outputs.getShape().get(1)));
        }
    }

    /**
     * Records fresh values later, on a history kept on the host: the rows wait on the engine and are applied
     * together every {@value #DEFER} records or before the history is next read, so that steps that read nothing
     * else (plain steps) do not wait for the engine each batch. On the engine's own history it records at once.
     */
    void recordDeferred(NDArray indices, NDArray outputs, NDArray losses) {
        create(outputs);
        if (!history.onHost()) {
            update(indices, outputs, losses);
            return;
        }
        if (deferredManager == null) {
            deferredManager = manager.newSubManager();
        }
        NDList rows = new NDList(indices, outputs.stopGradient(), losses.stopGradient());
        rows.attach(deferredManager); // taken from the batch, which would close them
        deferred.add(rows);
        if (deferred.size() == DEFER) {
            applyDeferred();
        }
    }

    /** Applies the deferred records, in order, in one update. */
    private void applyDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        NDList[] columns = {new NDList(), new NDList(), new NDList()};
        deferred.forEach(rows -> {
            for (int i = 0; i < 3; i++) {
                columns[i].add(rows.get(i));
            }
        });
        update(NDArrays.concat(columns[0]), NDArrays.concat(columns[1]), NDArrays.concat(columns[2]));
        deferred.clear();
        deferredManager.close();
        deferredManager = null;
    }

    /**
     * Returns the dataset indices DJL attaches to a batch, as int64 on the batch's manager. DJL hands them over as a
     * Java list, so this is the one per-sample host loop, over longs only.
     */
    NDArray indices(Batch batch) {
        long[] values = hostIndices(batch);
        if (values == null) {
            throw new ConfigurationException("selection from a score history needs batches that carry their dataset "
                    + "indices, as a RandomAccessDataset's (ArrayDataset ...) do; this batch has "
                    + (batch.getIndices() == null ? "none"
                            : batch.getIndices().size() + " for " + batch.getSize() + " samples"));
        }
        for (long index : values) {
            if (index < 0 || index >= size) {
                throw new IllegalStateException("dataset index " + index + " is outside [0, " + size
                        + "), the training set's size");
            }
        }
        return batch.getManager().create(values);
    }

    /**
     * Returns a batch's dataset indices on its manager, or null when it carries none (or not one per row).
     *
     * @param batch the batch
     * @return int64 indices of shape (batch), or null
     */
    static NDArray indicesOf(Batch batch) {
        long[] values = hostIndices(batch);
        return values == null ? null : batch.getManager().create(values);
    }

    private static long[] hostIndices(Batch batch) {
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            return null;
        }
        long[] values = new long[indices.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((Number) indices.get(i)).longValue();
        }
        return values;
    }

    /** Returns the history's arrays for a checkpoint, none before the first record. */
    NDList export(NDManager scratch) {
        applyDeferred();
        return history == null ? new NDList() : history.export(scratch);
    }

    /** Restores {@link #export}'s arrays. */
    void restore(NDList saved) {
        if (history != null) {
            history.close();
        }
        history = saved.isEmpty() ? null : ScoreHistory.restore(manager, saved);
    }

    @Override
    public void close() {
        deferred.clear();
        if (deferredManager != null) {
            deferredManager.close();
        }
        if (history != null) {
            history.close();
            history = null;
        }
        manager.close();
    }
}
