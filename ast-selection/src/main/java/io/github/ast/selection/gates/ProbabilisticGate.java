package io.github.ast.selection.gates;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.github.ast.api.Gate;
import io.github.ast.api.RunRandom;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;

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
        this.temperature = new Options(temperature).temperature(); // the one place the rule is written
        this.random = random;
    }

    @Override
    public NDArray select(NDArray significance, double threshold) {
        NDArray probability = Activation.sigmoid(significance.sub((float) threshold).div((float) temperature));
        NDArray draws = random.uniform(significance.getManager(), significance.getShape());
        return draws.lt(probability);
    }

    /**
     * The gate's settings.
     *
     * @param temperature softness of the gate, finite and > 0
     */
    public record Options(@Option(description = "softness: a row trains with probability sigmoid((s - threshold) / "
            + "temperature); smaller is closer to the threshold gate") double temperature) {

        /** A temperature of 0.05. */
        public static final Options DEFAULTS = new Options(0.05);

        /**
         * Validates the temperature.
         *
         * @param temperature softness of the gate, finite and > 0
         */
        public Options {
            require(temperature > 0 && Double.isFinite(temperature), "temperature", temperature, "finite and > 0");
        }
    }

    /** Creates {@link ProbabilisticGate} under the name {@code probabilistic}. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "probabilistic";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Gate create(PluginContext context) {
            return new ProbabilisticGate(context.options(Options.class).temperature(), context.random());
        }
    }
}
