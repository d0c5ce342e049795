package io.github.ast.core.history;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The last model outputs and per-sample losses seen for every sample of a dataset, keyed by dataset index.
 *
 * <p>History-based selection decides which samples to train <em>before</em> any forward pass, from these stale
 * values, so the scoring pass is skipped for the samples left out. Every training forward refreshes the rows it
 * computed. Outputs are kept (not only losses) so that every scorer, not just the loss, can score from history.
 */
public interface ScoreHistory extends AutoCloseable {

    /**
     * Creates a history on the engine when it supports indexed assignment (PyTorch), so gathers and updates stay on
     * the device; otherwise (MXNet) on the host, where an update costs one transfer of the trained rows.
     *
     * @param manager the manager the history's arrays live on
     * @param size number of samples in the dataset
     * @param outputs number of output values per sample (classes)
     * @return an empty history: every sample unseen
     */
    static ScoreHistory create(NDManager manager, long size, int outputs) {
        return supportsIndexedSet(manager) ? new EngineScoreHistory(manager, size, outputs)
                : new HostScoreHistory(manager, size, outputs);
    }

    /**
     * Rebuilds a history from {@link #export(NDManager)}, on the engine when it supports indexed assignment.
     *
     * @param manager the manager the history's arrays live on
     * @param saved outputs (size, classes), losses (size) and seen flags (size) as float32
     * @return the history
     */
    static ScoreHistory restore(NDManager manager, ai.djl.ndarray.NDList saved) {
        if (saved.size() != 3 || saved.get(0).getShape().dimension() != 2) {
            throw new IllegalArgumentException("a saved score history holds outputs (size, classes), losses and seen "
                    + "flags; got " + saved.size() + " arrays");
        }
        return supportsIndexedSet(manager) ? new EngineScoreHistory(manager, saved)
                : new HostScoreHistory(manager, saved);
    }

    /**
     * Returns whether the engine can assign rows through an index array.
     *
     * @param manager the manager whose engine is probed
     * @return true if assigning rows through an index array works on that engine
     */
    static boolean supportsIndexedSet(NDManager manager) {
        try (NDManager probe = manager.newSubManager()) {
            NDArray target = probe.zeros(new Shape(2));
            target.set(new NDIndex("{}", probe.create(new long[] {1})), probe.ones(new Shape(1)));
            return target.getFloat(1) == 1f;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@return the number of samples} */
    long size();

    /** {@return whether the values live on the host, where each update waits for the engine (MXNet)} */
    boolean onHost();

    /**
     * Returns the whole history for a checkpoint: outputs (size, classes), losses (size) and seen flags (size), all
     * float32.
     *
     * @param scratch a manager for any copies the export needs; the caller closes it
     * @return the arrays
     */
    ai.djl.ndarray.NDList export(NDManager scratch);

    /**
     * Returns the stale values of some samples.
     *
     * @param indices int64 dataset indices, shape (k)
     * @return outputs (k, classes), losses (k) and a boolean mask (k) of the samples never seen (their values are 0)
     */
    Rows gather(NDArray indices);

    /**
     * Records fresh values.
     *
     * @param indices int64 dataset indices, shape (k)
     * @param outputs outputs (k, classes)
     * @param losses losses (k)
     */
    void update(NDArray indices, NDArray outputs, NDArray losses);

    /**
     * Stale values of some samples.
     *
     * @param outputs model outputs, shape (k, classes)
     * @param losses per-sample losses, shape (k)
     * @param unseen true where a sample was never seen
     */
    record Rows(NDArray outputs, NDArray losses, NDArray unseen) {}

    @Override
    void close();
}
