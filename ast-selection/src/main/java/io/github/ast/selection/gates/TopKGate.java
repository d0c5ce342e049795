package io.github.ast.selection.gates;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Gate;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;

/**
 * Activates exactly the {@code round(targetRate * batch)} most significant samples of every batch.
 *
 * <p>The simplest strong baseline for a threshold and a controller: it hits the budget exactly on every batch. It
 * ignores the threshold, so the controller is left alone.
 */
public final class TopKGate extends FixedRateGate {

    /**
     * Creates the gate.
     *
     * @param rate fraction of each batch to keep, in (0, 1]
     */
    public TopKGate(double rate) {
        super(rate);
    }

    @Override
    NDArray rankingKey(NDArray significance) {
        return significance;
    }

    /** Creates {@link TopKGate} under the name {@code top-k}, keeping the run's target rate. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "top-k";
        }

        @Override
        public Gate create(PluginContext context) {
            return new TopKGate(context.targetRate());
        }
    }
}
