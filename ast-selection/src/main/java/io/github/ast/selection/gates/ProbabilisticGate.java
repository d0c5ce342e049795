package io.github.ast.selection.gates;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Gate;
import io.github.ast.api.RunRandom;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.Set;

/**
 * Activates each sample with probability {@code sigmoid((s - threshold) / temperature)}, drawn from the run's generator.
 *
 * <p>A soft gate keeps some chance for samples just below the threshold, which avoids starving a sample forever
 * because of one noisy score. Random draws come from the run's own generator ({@link RunRandom}), re-seeded by the
 * trainer.
 */
public final class ProbabilisticGate implements Gate {

    private final double temperature;
    private final RunRandom random;

    /**
     * Creates the gate.
     *
     * @param temperature softness of the gate, finite and > 0; smaller is closer to the threshold gate
     * @param random where its draws come from: the run's ({@code PluginContext.random()})
     */
    public ProbabilisticGate(double temperature, RunRandom random) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new ConfigurationException("temperature=" + temperature + " must be finite and > 0");
        }
        this.temperature = temperature;
        this.random = random;
    }

    @Override
    public NDArray select(NDArray significance, double threshold) {
        NDArray probability = Activation.sigmoid(significance.sub((float) threshold).div((float) temperature));
        NDArray draws = random.uniform(significance.getManager(), significance.getShape());
        return draws.lt(probability);
    }

    /** Creates {@link ProbabilisticGate} under the name {@code probabilistic}; setting {@code temperature} (0.05). */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "probabilistic";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("temperature");
        }

        @Override
        public Gate create(PluginContext context) {
            return new ProbabilisticGate(context.settings().getDouble("temperature", 0.05), context.random());
        }
    }
}
