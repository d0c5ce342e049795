package io.github.ast.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A run's own random numbers, for the plugins that draw them (probabilistic and random gates, exploration, random
 * scores, sampling policies). Engines have one process-wide generator, so another thread drawing from it, or
 * re-seeding it, would change a run's selections; these numbers are drawn on the host from a generator the run owns
 * and re-seeds with the engine's (every epoch and every {@code ast.reseedEvery} batches), then copied to the engine.
 * A batch's draws are a few hundred floats: next to the batch itself the copy is negligible, on a GPU too.
 *
 * <p>Factories get the run's instance from {@link io.github.ast.api.spi.PluginContext#random()}.
 */
public final class RunRandom {

    private final Random random;

    /**
     * Creates a generator.
     *
     * @param seed its first seed
     */
    public RunRandom(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Restarts the generator from a seed.
     *
     * @param seed the seed
     */
    public synchronized void reseed(long seed) {
        random.setSeed(seed);
    }

    /**
     * Draws uniform numbers in [0, 1) onto an engine.
     *
     * @param manager the manager that owns the returned array
     * @param shape its shape
     * @return a float32 array of draws
     */
    public NDArray uniform(NDManager manager, Shape shape) {
        return manager.create(uniform(Math.toIntExact(shape.size())), shape);
    }

    /**
     * Draws uniform numbers in [0, 1) on the host, for a plugin whose rule is a sequential recurrence over rows.
     *
     * @param count how many, >= 0
     * @return the draws
     */
    public synchronized float[] uniform(int count) {
        float[] draws = new float[count];
        for (int i = 0; i < count; i++) {
            draws[i] = random.nextFloat();
        }
        return draws;
    }
}
