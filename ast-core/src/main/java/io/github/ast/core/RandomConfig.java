package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * Where a run's random draws come from. Engines cannot save their generators' state, so they restart from seeds
 * derived from {@code seed} on a fixed grid: that is what lets a run resumed from a batch checkpoint (whose cadence
 * must be a multiple of {@code reseedEvery}) draw what an uninterrupted run draws. Each component's meaning and
 * default is its {@link Option}.
 *
 * @param seed {@code ast.seed}
 * @param reseedEvery {@code ast.reseedEvery}, >= 0
 */
public record RandomConfig(
        @Option(description = "seed of the engine, the sampler and the fallback") long seed,
        @Option(description = "the random generators restart from seeds derived from `ast.seed` at every epoch and "
                + "every this many batches, checkpoints or not; batch checkpoints must fall on multiples of it; `0` "
                + "never restarts them (draws run on from the seed, as in the benchmark; no checkpoints)")
        int reseedEvery) {

    /**
     * Seed 42, restarts every 100 batches: restarting MXNet's generators takes about 1.3 ms, so every 100 batches
     * costs nothing measurable, and batch checkpoints every 100, 200, ... batches stay possible.
     */
    public static final RandomConfig DEFAULTS = new RandomConfig(42, 100);

    /**
     * Validates the values.
     *
     * @param seed {@code ast.seed}
     * @param reseedEvery {@code ast.reseedEvery}, >= 0 (0: never)
     */
    public RandomConfig {
        require(reseedEvery >= 0, "reseedEvery", reseedEvery, ">= 0 (batches between restarts of the random "
                + "generators within an epoch; 0 for never)");
    }
}
