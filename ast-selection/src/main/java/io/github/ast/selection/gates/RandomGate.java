package io.github.ast.selection.gates;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Gate;
import io.github.ast.api.RunRandom;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;

/**
 * Activates a uniformly random {@code round(targetRate * batch)} samples of every batch, ignoring significance.
 *
 * <p>The control every claim is compared with: a method that selects by significance is only useful if it beats
 * training on a random subset of the same size. Draws come from the run's own generator ({@link RunRandom}),
 * re-seeded by the trainer.
 */
public final class RandomGate extends FixedRateGate {

    private final RunRandom random;

    /**
     * Creates the gate.
     *
     * @param rate fraction of each batch to keep, in (0, 1]
     * @param random where its draws come from: the run's ({@code PluginContext.random()})
     */
    public RandomGate(double rate, RunRandom random) {
        super(rate);
        this.random = random;
    }

    @Override
    NDArray rankingKey(NDArray significance) {
        return random.uniform(significance.getManager(), significance.getShape());
    }

    /** Creates {@link RandomGate} under the name {@code random}, keeping the run's target rate. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public Gate create(PluginContext context) {
            return new RandomGate(context.targetRate(), context.random());
        }
    }
}
