package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.Selection;
import java.util.List;

/**
 * Turns the rows a policy selected, batch after batch, into optimiser steps: {@link PerBatch} trains each batch's
 * rows at once (the published system: small steps at low rates), {@link PooledAssembler} queues them across
 * batches into steps of {@code ast.backwardBatch} rows, so that a policy keeping 30% still trains full-size batches.
 */
interface BackwardAssembler extends AutoCloseable {

    /**
     * Takes a batch's selection and returns the steps ready now.
     *
     * @param batch the scored batch; its arrays stay valid until the returned steps are trained
     * @param selection the policy's rows and weights (not skipped)
     * @param indices the batch's dataset indices, or null without a score history
     * @param sampleWeights the weights the sampler gave the batch's rows, or null without them (never pooled)
     * @return the steps to train now, in order; their arrays belong to the batch's manager
     */
    List<StepRows> offer(Batch batch, Selection selection, NDArray indices, NDArray sampleWeights);

    /**
     * Returns a step of everything still queued, at the end of an epoch: nothing selected is dropped.
     *
     * @param scratch owns the step's arrays; the caller closes it after training
     * @return zero or one step
     */
    List<StepRows> flush(NDManager scratch);

    /** Returns the rows queued and not yet trained. */
    int queued();

    /**
     * Returns the queue for a checkpoint.
     *
     * @param scratch a manager for copies
     * @return the queue's arrays (empty for an assembler that queues nothing)
     */
    NDList export(NDManager scratch);

    /**
     * Restores {@link #export}'s arrays.
     *
     * @param saved the arrays, on a manager closed after this call
     */
    void restore(NDList saved);

    @Override
    void close();

    /**
     * Gathers some rows of arrays.
     *
     * @param arrays arrays whose first dimension is the batch
     * @param rows int64 row indices
     * @return the rows, on the arrays' manager
     */
    static NDList selectRows(NDList arrays, NDArray rows) {
        NDList selected = new NDList(arrays.size());
        for (NDArray array : arrays) {
            selected.add(array.get(new NDIndex("{}", rows)));
        }
        return selected;
    }

    /** One step per batch, of the rows it selected; weighted losses are divided by the batch's size. */
    final class PerBatch implements BackwardAssembler {

        @Override
        public List<StepRows> offer(Batch batch, Selection selection, NDArray indices, NDArray sampleWeights) {
            if (selection.count() == 0) {
                return List.of();
            }
            NDArray rows = selection.rows();
            return List.of(new StepRows(selectRows(batch.getData(), rows), selectRows(batch.getLabels(), rows),
                    selection.weights(), sampleWeights == null ? null : sampleWeights.get(new NDIndex("{}", rows)),
                    indices == null ? null : indices.get(new NDIndex("{}", rows)),
                    selection.count(), batch.getSize()));
        }

        @Override
        public List<StepRows> flush(NDManager scratch) {
            return List.of();
        }

        @Override
        public int queued() {
            return 0;
        }

        @Override
        public NDList export(NDManager scratch) {
            return new NDList();
        }

        @Override
        public void restore(NDList saved) {
            if (!saved.isEmpty()) {
                throw new IllegalArgumentException("the checkpoint holds a queue of pooled rows but this run trains "
                        + "per batch (ast.backwardBatch=0)");
            }
        }

        @Override
        public void close() {}
    }
}
