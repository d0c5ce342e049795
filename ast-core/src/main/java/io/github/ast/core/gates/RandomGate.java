package io.github.ast.core.gates;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Gate;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.Set;

/**
 * Activates a uniformly random {@code round(targetRate * batch)} samples of every batch, ignoring significance.
 *
 * <p>The control every claim is compared with: a method that selects by significance is only useful if it beats
 * training on a random subset of the same size. Draws come from the engine's generator, seeded by the trainer.
 */
public final class RandomGate extends FixedRateGate {

    /**
     * Creates the gate.
     *
     * @param rate fraction of each batch to keep, in (0, 1]
     */
    public RandomGate(double rate) {
        super(rate);
    }

    @Override
    NDArray rankingKey(NDArray significance) {
        return significance.getManager().randomUniform(0f, 1f, significance.getShape());
    }

    /** Creates {@link RandomGate} under the name {@code random}, keeping the run's target rate. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of();
        }

        @Override
        public Gate create(PluginContext context) {
            return new RandomGate(context.targetRate());
        }
    }
}
