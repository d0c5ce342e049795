package io.github.ast.core;

/**
 * Receives a run's figures as they happen: every batch's result and every epoch's statistics. For live output,
 * traces of the threshold and activation rate, and benchmarks; DJL's {@code TrainingListener}s keep receiving their
 * own callbacks independently.
 */
public interface TrainingObserver {

    /** An observer that ignores everything. */
    TrainingObserver NONE = new TrainingObserver() {};

    /**
     * Called after every batch.
     *
     * @param epoch the 1-based epoch
     * @param result what the batch did
     */
    default void onBatch(int epoch, BatchResult result) {}

    /**
     * Called after every epoch, validation included.
     *
     * @param stats the epoch's figures
     */
    default void onEpoch(EpochStats stats) {}

    /**
     * Asked after every epoch whether to go on; returning false ends the run early, for wall-clock budgets or
     * early stopping.
     *
     * @param stats the epoch's figures
     * @return true to train the next epoch
     */
    default boolean continueTraining(EpochStats stats) {
        return true;
    }
}
