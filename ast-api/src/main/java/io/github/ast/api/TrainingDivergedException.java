package io.github.ast.api;

/**
 * Training stopped because the model diverged: several steps in a row had non-finite losses (from finite inputs) or
 * non-finite gradients, or a step made the parameters non-finite. None of those steps was applied, so the parameters
 * are the last finite ones; the message names where it happened, what was non-finite and what to try.
 */
public class TrainingDivergedException extends IllegalStateException {

    /** The 1-based epoch in which training stopped. */
    private final int epoch;
    /** The 0-based position, in its epoch, of the batch at which training stopped. */
    private final long batch;

    /**
     * Creates the exception.
     *
     * @param epoch the 1-based epoch in which training stopped (0 in a custom loop that started no epoch)
     * @param batch the 0-based position in that epoch of the batch at which it stopped
     * @param message what was non-finite and what to try
     */
    public TrainingDivergedException(int epoch, long batch, String message) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** {@return the 1-based epoch in which training stopped} */
    public int epoch() {
        return epoch;
    }

    /** {@return the 0-based position, in its epoch, of the batch at which training stopped} */
    public long batch() {
        return batch;
    }
}
