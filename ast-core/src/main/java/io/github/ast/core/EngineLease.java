package io.github.ast.core;

import ai.djl.engine.Engine;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds an engine for one {@code fit} at a time where the engine cannot train two models at once in one JVM: DJL's
 * PyTorch engine allows a single gradient collector per process ({@code PtGradientCollector} is process-wide), so a
 * second concurrent run would die mid-epoch with "A PtGradientCollector is already collecting". The second
 * {@code fit} fails at its start instead, with a message naming the limit.
 */
final class EngineLease implements AutoCloseable {

    /** Engines whose training state is process-wide. */
    private static final Set<String> ONE_RUN_PER_JVM = Set.of("PyTorch");
    private static final AtomicReference<Thread> HOLDER = new AtomicReference<>();

    private final boolean held;

    private EngineLease(boolean held) {
        this.held = held;
    }

    /**
     * Takes the lease for a run on an engine.
     *
     * @throws IllegalStateException if another thread's run holds it
     */
    static EngineLease acquire(Engine engine) {
        if (!ONE_RUN_PER_JVM.contains(engine.getEngineName())) {
            return new EngineLease(false);
        }
        Thread holder = HOLDER.compareAndExchange(null, Thread.currentThread());
        if (holder != null) {
            throw new IllegalStateException("another AdaptiveSparseTrainer.fit is training on " + engine
                    .getEngineName() + " in this JVM (thread '" + holder.getName() + "'): DJL's PyTorch engine "
                    + "allows one gradient collector per process, so runs on it must go one after another or in "
                    + "separate JVMs");
        }
        return new EngineLease(true);
    }

    @Override
    public void close() {
        if (held) {
            HOLDER.set(null);
        }
    }
}
