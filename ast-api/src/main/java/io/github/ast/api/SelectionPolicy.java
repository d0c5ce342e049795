package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;

/**
 * Decides which rows of a scored batch train, and with which weights.
 *
 * <p>The one place where selection methods differ: the published system (scorer, gate at a controller's threshold,
 * exploration, random fallback), Selective Backprop's keep probabilities, or a user's own rule in their own jar,
 * registered through {@link io.github.ast.api.spi.SelectionPolicyFactory}. Where scores come from (a fresh
 * gradient-free pass or the losses last computed for each sample) and how the chosen rows become backward batches
 * (one step per batch, or pooled into full-size steps) are the trainer's business, so a policy stays a few lines of
 * engine-side arithmetic.
 *
 * <p>Every policy selects; what only some do is opt-in, by implementing the nested capability interfaces:
 * {@link Unscored} (choose without a scoring pass), {@link ScoresFromHistory} (some batches scored by the losses
 * their rows last trained with), {@link EpochAware}, {@link Prepared}, {@link LearnsFromSteps},
 * {@link MeasuresProgress} (held-out loss on the training clock), {@link Stateful} (state a checkpoint carries),
 * {@link Seeded} (a Java generator of its own) and {@link ResizesBatches}. Policies draw random numbers from the engine's generator (restarted from seeds on a fixed
 * grid, so that resumed runs draw what uninterrupted ones do) or from a generator they restart in
 * {@link Seeded#reseed}.
 */
public interface SelectionPolicy {

    /**
     * Chooses rows.
     *
     * @param batch the scored batch and the rows that must train
     * @return the rows and weights, or {@link Selection#skip} when the scores are unusable
     */
    Selection select(PolicyBatch batch);

    /**
     * Tells the policy that a selection was accepted for training (trained, or queued for a pooled step): adaptive
     * policies (a controller holding a rate) update here, so that a skipped step leaves them as they were.
     *
     * @param selection what {@link #select} returned for the batch
     */
    default void accept(Selection selection) {}

    /** {@return the threshold to report in the epoch line, NaN for a policy without one} */
    default double threshold() {
        return Double.NaN;
    }

    /** A policy that may choose rows without a scoring pass, or train whole batches as they are. */
    interface Unscored {

        /**
         * Chooses rows before any scoring (importance sampling whose pay-off test failed, a random control): the
         * trainer then runs no scoring pass for the batch. Called first for every batch.
         *
         * @param size the batch's rows
         * @param manager the batch's manager, for the rows and weights
         * @return the rows and weights to train, or null to have the batch scored and passed to {@link #select}
         */
        Selection selectUnscored(int size, NDManager manager);

        /**
         * Returns whether the policy would choose every row of every batch from now on (plain training, or the
         * published system at a target of 100%): the trainer then trains each batch as it is, with no scoring pass
         * and no gather. Asked before every batch.
         *
         * @return true to train whole batches unscored; false (the default) otherwise
         */
        default boolean trainsEveryRow() {
            return false;
        }

        /**
         * Returns whether batches trained whole may take the plain DJL step ({@code EasyTrain.trainBatch} and
         * {@code trainer.step()}, no host read per batch), its figures read every few batches, so that a non-finite
         * loss stops the run a few batches later instead of being skipped step by step. Asked once, when the run
         * opens; applies on one device.
         *
         * @return true for plain steps; false (the default) for the guarded step
         */
        default boolean plainSteps() {
            return false;
        }
    }

    /** A policy that changes course over a run. */
    interface EpochAware {

        /**
         * Tells the policy an epoch starts.
         *
         * @param epoch the 1-based epoch
         * @param epochs the run's epochs, or -1 when the loop does not say (custom loops)
         */
        void startEpoch(int epoch, int epochs);
    }

    /** A policy that builds something before the first batch, such as RHO-LOSS's reference model. */
    interface Prepared {

        /**
         * Prepares for a run on a training set; the trainer counts what it returns in the first epoch's time, rows
         * and energy. Called again for each run; a policy keeps what it built while the training set keeps its size,
         * and rebuilds it otherwise.
         *
         * @param trainingSet the run's training data
         * @return what preparing cost, {@link PreparationWork#NONE} for nothing
         * @throws java.io.IOException if the data cannot be read
         * @throws ai.djl.translate.TranslateException if the data cannot be batched
         */
        PreparationWork prepare(Dataset trainingSet) throws java.io.IOException,
                ai.djl.translate.TranslateException;
    }

    /** A policy that learns from what trained: the steps' losses, and what batches cost. */
    interface LearnsFromSteps {

        /**
         * Tells the policy that a step trained, with the training forward's unweighted per-sample losses: free
         * scores of the rows that trained.
         *
         * @param losses the step's per-sample losses, shape (rows); valid only during the call
         */
        default void trained(NDArray losses) {}

        /**
         * Tells the policy how long the previous batch of this epoch took, from its start to this batch's start, as
         * measured by the trainer's clock: everything it made the engine do, asynchronous work included, and the
         * data loading in between. Policies that weigh a scoring pass's cost against its benefit compare batches
         * with and without one, instead of assuming a figure.
         *
         * @param scored whether that batch had a scoring pass
         * @param nanos nanoseconds
         */
        default void batchTime(boolean scored, long nanos) {}
    }

    /** A policy with arrays kept from batch to batch, which a checkpoint must carry for an exact resume. */
    interface Stateful {

        /**
         * Gives the policy a manager for the arrays it keeps (a window of recent scores, say), valid until the run
         * ends; called once, before the first batch and before {@link #restoreState}.
         *
         * @param runManager a manager the trainer closes when the run ends
         */
        default void start(NDManager runManager) {}

        /**
         * Returns what a checkpoint must carry for a resumed run to select as the uninterrupted one does (a
         * controller's state is checkpointed by the trainer).
         *
         * @param scratch a manager for copies; the caller closes it after writing
         * @return the state's arrays
         */
        NDList exportState(NDManager scratch);

        /**
         * Restores what {@link #exportState} returned; the arrays belong to a manager closed after this call, so
         * keep copies on the run manager.
         *
         * @param saved the arrays
         */
        void restoreState(NDList saved);
    }

    /** A policy with a Java random generator of its own, restarted on the trainer's reseeding grid. */
    interface Seeded {

        /**
         * Restarts the generator; the trainer calls this at every epoch and on its reseeding grid.
         *
         * @param seed the new seed
         */
        void reseed(long seed);
    }

    /** A policy that may resize the data loader's batches as it goes ({@link AdjustableBatchSize}). */
    interface ResizesBatches {

        /**
         * Returns whether it resizes them in this run. A checkpoint records its position in an epoch as a number of
         * batches, which cannot be replayed when their sizes vary, so the trainer refuses checkpoints then.
         *
         * @return true if it resizes batches
         */
        boolean resizesBatches();
    }

    /**
     * A policy that scores some batches by the losses their rows last trained with (free: the training forward
     * computed them) instead of a scoring pass. The trainer then keeps a score history, which needs a
     * {@link ai.djl.training.dataset.RandomAccessDataset} whose batches carry their indices.
     */
    interface ScoresFromHistory {

        /** {@return whether this run needs the score history at all}, asked once when the run opens */
        boolean keepsHistory();

        /**
         * Asked before a batch that is to be scored: where its scores come from.
         *
         * @return true for the history's last losses (rows never trained marked unseen), false for a scoring pass
         */
        boolean fromHistory();

        /**
         * Asked before a batch that trains whole with the plain step ({@link Unscored#plainSteps}): whether its rows'
         * losses go into the history, which costs the step a per-sample loss and an update. A policy that reads the
         * history only now and then records only ahead of those reads.
         *
         * @return true (the default) to record every trained row
         */
        default boolean recordsHistory() {
            return true;
        }
    }

    /**
     * A policy that decides by measured progress: the trainer sets rows aside (the user's validation set when
     * {@code fit} has one, else a seeded slice of the training set, which then never trains) and measures their mean
     * loss whenever the policy asks, on the training clock, so that what measuring costs counts against what the
     * policy wins.
     */
    interface MeasuresProgress {

        /** {@return the held-out rows it needs; 0 for none, and then it is never asked to measure} */
        int heldOutRows();

        /**
         * Asked once before each batch of a sparse epoch.
         *
         * @return whether to measure the held-out loss before this batch trains
         */
        boolean measureNow();

        /**
         * Hands over the measurement asked for.
         *
         * @param loss the held-out rows' mean loss under the current parameters
         */
        void measured(double loss);

        /**
         * Tells the policy how long a batch took on the training clock, its measurement included, from its start
         * to the end of its steps.
         *
         * @param nanos nanoseconds
         */
        void batchTrained(long nanos);

        /** {@return each decision so far, one line each, for the run's report} */
        java.util.List<String> decisions();

        /** {@return how the current epoch's batches trained, for the epoch line (e.g. "all 75%, prune@0.3 25%")} */
        String epochModes();
    }
}
