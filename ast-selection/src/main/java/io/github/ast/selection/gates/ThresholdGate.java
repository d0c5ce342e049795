package io.github.ast.selection.gates;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Gate;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;

/** Activates exactly the samples whose significance is at least the threshold; the reference gate. */
public final class ThresholdGate implements Gate {

    @Override
    public NDArray select(NDArray significance, double threshold) {
        return significance.gte((float) threshold);
    }

    /** Creates {@link ThresholdGate} under the name {@code threshold}. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "threshold";
        }

        @Override
        public Gate create(PluginContext context) {
            return new ThresholdGate();
        }
    }
}
