package io.github.ast.api;

import ai.djl.ndarray.NDArray;

/**
 * Turns per-sample significance and the controller's threshold into the set of samples that train.
 *
 * <p>Kept separate from the scorer so that the same scores can be gated deterministically, probabilistically or by
 * a baseline rule (random, top-k) when comparing methods at the same budget.
 */
public interface Gate {

    /**
     * Selects samples.
     *
     * @param significance scores of shape (batch)
     * @param threshold the controller's current threshold
     * @return a boolean mask of shape (batch), true where the sample trains, on the same manager as the input
     */
    NDArray select(NDArray significance, double threshold);

    /**
     * Tells whether the threshold matters. Baseline gates (top-k, uniform random) select a fixed fraction and ignore
     * it, so the trainer leaves the controller alone.
     *
     * @return true if {@link #select} depends on the threshold
     */
    default boolean usesThreshold() {
        return true;
    }

    /**
     * A gate with state carried from batch to batch (an energy budget, say), which a checkpoint must carry for a
     * resumed run to gate as the uninterrupted one does.
     */
    interface Stateful {

        /** {@return the state, as numbers} */
        double[] state();

        /**
         * Puts the gate back into a state {@link #state()} reported.
         *
         * @param state the numbers
         * @throws IllegalArgumentException if they are not a state of this gate
         */
        void restore(double[] state);
    }
}
