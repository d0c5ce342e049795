package io.github.ast.api;

/**
 * A data loader whose next batches a selection policy may resize. A policy that scores a presample in some batches and
 * trains every row it is given in others ({@code importance} and {@code auto} while their pay-off switch is off)
 * asks for small batches then, so that fewer rows are loaded only to be dropped: the random share is drawn by the
 * sampler, as RS2 does, not from a larger batch. A size applies to batches drawn after it is set, so a loader that
 * prefetches applies it late. Supplied to AST in code, as a service of this type; a sampler implements it.
 */
@FunctionalInterface
public interface AdjustableBatchSize {

    /**
     * Sets the number of rows of the batches drawn from now on; a batch already drawn keeps its size, and an epoch's
     * last batch may be smaller.
     *
     * @param rows rows per batch, >= 1
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    void setBatchSize(int rows);
}
