package io.github.ast.core;

import io.github.ast.api.PreparationWork;
import java.util.List;
import java.util.Objects;

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
     * Called after every batch with how far the epoch has come, in the units of DJL's {@code Batch.getProgress()}
     * (samples, for an {@code ArrayDataset}), for progress bars.
     *
     * @param epoch the 1-based epoch
     * @param done progress so far this epoch
     * @param total the epoch's whole progress
     */
    default void onProgress(int epoch, long done, long total) {}

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

    /**
     * Receives what the selection policy's preparation cost before the first epoch (RHO-LOSS's reference models),
     * also counted in that epoch's figures; {@link PreparationWork#NONE} for most policies.
     *
     * @param work the preparation's rows and seconds
     */
    default void onPreparation(PreparationWork work) {}

    /**
     * Decides after each batch whether training goes on, for runs bounded by something other than epochs (a
     * wall-clock budget): a run stopped here trains nothing more, not even the rows queued for a pooled step, and
     * reports the epoch's figures so far, without validation.
     *
     * @param epoch 1-based epoch
     * @param result the batch's result
     * @return true to go on
     */
    default boolean continueTraining(int epoch, BatchResult result) {
        return true;
    }

    /**
     * Returns an observer that passes every call to each of these in order, and continues training while all of
     * them agree to.
     *
     * @param observers the observers, for example {@code ConsoleOutput.standard()} and one's own
     * @return the combination
     */
    static TrainingObserver all(TrainingObserver... observers) {
        for (int i = 0; i < observers.length; i++) {
            Objects.requireNonNull(observers[i], "observer " + i + " of TrainingObserver.all is null");
        }
        List<TrainingObserver> list = List.of(observers);
        return new TrainingObserver() {
            @Override
            public void onBatch(int epoch, BatchResult result) {
                list.forEach(o -> o.onBatch(epoch, result));
            }

            @Override
            public void onProgress(int epoch, long done, long total) {
                list.forEach(o -> o.onProgress(epoch, done, total));
            }

            @Override
            public void onEpoch(EpochStats stats) {
                list.forEach(o -> o.onEpoch(stats));
            }

            @Override
            public void onPreparation(PreparationWork work) {
                list.forEach(o -> o.onPreparation(work));
            }

            @Override
            public boolean continueTraining(int epoch, BatchResult result) {
                boolean go = true;
                for (TrainingObserver o : list) {
                    go &= o.continueTraining(epoch, result); // every observer is asked
                }
                return go;
            }

            @Override
            public boolean continueTraining(EpochStats stats) {
                boolean go = true;
                for (TrainingObserver o : list) {
                    go &= o.continueTraining(stats); // every observer is asked
                }
                return go;
            }
        };
    }
}
