package io.github.ast.api;

/**
 * Moves the gate's threshold so that the observed activation rate holds a target.
 *
 * <p>Controllers are plain Java over one number per batch (the observed rate): they never touch tensors, which keeps
 * them cheap, exactly testable and serialisable through {@link #state()}. The convention all implementations share:
 * more samples active than the target raises the threshold.
 */
public interface Controller {

    /** {@return the threshold the gate should use for the next batch} */
    double threshold();

    /**
     * Feeds the activation rate observed on the last batch and returns the threshold for the next one.
     *
     * @param observedRate fraction of the batch the gate activated, in [0, 1]
     * @return the new threshold, finite and within the controller's bounds
     */
    double update(double observedRate);

    /**
     * Feeds the last batch's activation rate with its size, for a controller that weighs batches by their rows (a
     * cumulative rate); by default the size is not used.
     *
     * @param observedRate fraction of the batch the gate activated, in [0, 1]
     * @param rows the batch's rows, >= 1
     * @return the new threshold
     */
    default double update(double observedRate, int rows) {
        return update(observedRate);
    }

    /**
     * Changes the activation rate to hold, for target-rate schedules; the state (threshold, integral) carries over
     * so the change is smooth.
     *
     * @param targetRate the new target, in (0, 1]
     * @throws UnsupportedOperationException if this controller cannot change its target
     */
    default void retarget(double targetRate) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot change its target rate");
    }

    /** {@return a snapshot of the internal state, for logging, inspection and resuming} */
    ControllerState state();

    /**
     * Puts the controller back into a state it reported earlier, so that a resumed run continues exactly.
     *
     * @param state a snapshot from {@link #state()} of a controller of the same kind
     * @throws IllegalArgumentException if the snapshot is from another kind of controller or misses a variable
     */
    void restore(ControllerState state);
}
