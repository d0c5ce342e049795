package io.github.ast.core;

import ai.djl.engine.Engine;

/**
 * Restarts a run's randomness on a fixed grid: the engine's generator (DJL's sampler included), the policy's and the
 * run's own ({@link AdaptiveSparseTrainer#reseed}), at every epoch and every {@code ast.reseedEvery} batches, so that
 * a run resumed at a checkpoint draws what an uninterrupted one does: engines offer no way to save their
 * generator's state. With {@code ast.reseedEvery=0} nothing is restarted and draws run on from the seeds.
 */
final class Randomness {

    private final Engine engine;
    private final long seed;
    private final int every;
    private final AdaptiveSparseTrainer trainer;

    Randomness(Engine engine, long seed, int every, AdaptiveSparseTrainer trainer) {
        this.engine = engine;
        this.seed = seed;
        this.every = every;
        this.trainer = trainer;
    }

    /** Restarts every generator for an epoch. */
    void startEpoch(int epoch) {
        if (every > 0) {
            long epochSeed = seed * 1_000_003L + epoch;
            restart((int) epochSeed, epochSeed);
        }
    }

    /** Restarts every generator before the batch at this position of the epoch when it is on the grid. */
    void beforeBatch(int epoch, int position) {
        if (every > 0 && position > 0 && position % every == 0) {
            long derived = derivedSeed(seed, epoch, position);
            restart(engineSeed(derived), derived);
        }
    }

    private void restart(int engineSeed, long policySeed) {
        engine.setRandomSeed(engineSeed);
        trainer.reseed(policySeed);
    }

    /**
     * Derives the seed for the batches after position {@code batch} of an epoch from the configured seed, mixed
     * (SplitMix64's finaliser) so that neighbouring epochs and positions get unrelated streams.
     */
    private static long derivedSeed(long seed, int epoch, int batch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A non-negative int for {@code Engine.setRandomSeed}, which engines pass on to 32-bit generators. */
    private static int engineSeed(long derived) {
        return (int) (derived >>> 33);
    }
}
