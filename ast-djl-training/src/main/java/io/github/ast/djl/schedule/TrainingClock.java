package io.github.ast.djl.schedule;

import java.util.function.LongSupplier;

/**
 * A stopwatch of training time only: it runs while training and is paused around evaluation, checkpoints or anything
 * else that should not count against a budget. A {@link BudgetTracker} reads it, so a learning-rate schedule can end
 * exactly when a wall-clock budget does, whatever the number of steps per second.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class TrainingClock {

    private final LongSupplier nanos;
    private long accumulated;
    private long startedAt;
    private boolean running;

    /** Creates a paused clock reading {@link System#nanoTime()}. */
    public TrainingClock() {
        this(System::nanoTime);
    }

    /**
     * Creates a paused clock on another time source, for tests.
     *
     * @param nanos monotonic nanoseconds
     */
    public TrainingClock(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Starts or resumes counting; a no-op while running. */
    public void start() {
        if (!running) {
            startedAt = nanos.getAsLong();
            running = true;
        }
    }

    /** Pauses counting; a no-op while paused. */
    public void pause() {
        if (running) {
            accumulated += nanos.getAsLong() - startedAt;
            running = false;
        }
    }

    /** {@return whether the clock is counting} */
    public boolean isRunning() {
        return running;
    }

    /** {@return the seconds counted so far, the current stretch included} */
    public double seconds() {
        return nanos() / 1e9;
    }

    /** {@return the nanoseconds counted so far, the current stretch included} */
    public long nanos() {
        return accumulated + (running ? nanos.getAsLong() - startedAt : 0);
    }
}
