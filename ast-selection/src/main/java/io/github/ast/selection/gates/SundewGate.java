package io.github.ast.selection.gates;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.ast.api.Gate;
import io.github.ast.api.RunRandom;
import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import java.util.Arrays;

/**
 * The gate as the published system's authors' code runs it (their "Sundew" algorithm): a row above the threshold
 * activates with probability {@code sigmoid((s - threshold) / temperature)}, and only while an energy budget holds
 * more than one activation's cost; each activation spends that cost, and every row, activated or not, regenerates a
 * uniform amount in {@code [regenMin, regenMax]}, up to {@code capacity}. With the defaults the budget caps activation
 * near 20%, whatever the controller does.
 *
 * <p>The budget is a recurrence over the batch's rows in order (each row's chance depends on every earlier row's
 * outcome), which has no engine-side form: the gate reads the batch's scores and runs it on the host, a few hundred
 * scalar steps per batch. The budget carries over from batch to batch and is checkpointed ({@link Gate.Stateful}).
 */
public final class SundewGate implements Gate, Gate.Stateful {

    private final Options options;
    private final RunRandom random;
    private double energy;

    /**
     * Creates the gate with a full budget.
     *
     * @param options the gate's settings
     * @param random where its draws come from: the run's ({@code PluginContext.random()})
     */
    public SundewGate(Options options, RunRandom random) {
        this.options = options;
        this.random = random;
        this.energy = options.capacity();
    }

    @Override
    public NDArray select(NDArray significance, double threshold) {
        float[] scores = significance.toType(DataType.FLOAT32, false).toFloatArray();
        float[] draws = random.uniform(2 * scores.length);
        boolean[] active = new boolean[scores.length];
        double spread = options.regenMax() - options.regenMin();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > threshold) {
                double probability = 1 / (1 + Math.exp(-(scores[i] - threshold) / options.temperature()));
                if (draws[2 * i] < probability && energy > options.cost()) {
                    energy -= options.cost();
                    active[i] = true;
                }
            }
            energy = Math.min(options.capacity(), energy + options.regenMin() + spread * draws[2 * i + 1]);
        }
        return significance.getManager().create(active);
    }

    /** {@return the budget's energy}, one number */
    @Override
    public double[] state() {
        return new double[] {energy};
    }

    @Override
    public void restore(double[] state) {
        if (state.length != 1 || !(state[0] >= 0 && state[0] <= options.capacity())) {
            throw new IllegalArgumentException("a saved sundew gate state is its energy, one number in [0, "
                    + options.capacity() + "]; got " + Arrays.toString(state));
        }
        energy = state[0];
    }

    /**
     * The gate's settings; the defaults are the authors' code's.
     *
     * @param temperature softness of the activation probability, finite and > 0
     * @param capacity the budget's maximum and starting energy, > cost
     * @param cost the energy an activation spends; a row can activate only while the budget holds more
     * @param regenMin the least energy a row regenerates, >= 0
     * @param regenMax the most energy a row regenerates, >= regenMin
     */
    public record Options(
            @Option(description = "softness: a row above the threshold activates with probability sigmoid((s - "
                    + "threshold) / temperature)") double temperature,
            @Option(description = "the energy budget's maximum, and its energy at the start") double capacity,
            @Option(description = "energy an activation spends; a row activates only while the budget holds more")
            double cost,
            @Option(description = "least energy each row regenerates, activated or not") double regenMin,
            @Option(description = "most energy each row regenerates") double regenMax) {

        /** The authors' values: temperature 0.15, capacity 100, cost 10, regeneration uniform in [1, 3]. */
        public static final Options DEFAULTS = new Options(0.15, 100, 10, 1, 3);

        /**
         * Validates the values.
         *
         * @param temperature finite and > 0
         * @param capacity finite and > cost
         * @param cost finite and > 0
         * @param regenMin finite and >= 0
         * @param regenMax finite and >= regenMin
         */
        public Options {
            require(temperature > 0 && Double.isFinite(temperature), "temperature", temperature, "finite and > 0");
            require(cost > 0 && Double.isFinite(cost), "cost", cost, "finite and > 0");
            require(capacity > cost && Double.isFinite(capacity), "capacity", capacity, "finite and > cost ("
                    + cost + ")");
            require(regenMin >= 0 && Double.isFinite(regenMin), "regenMin", regenMin, "finite and >= 0");
            require(regenMax >= regenMin && Double.isFinite(regenMax), "regenMax", regenMax, "finite and >= "
                    + "regenMin (" + regenMin + ")");
        }
    }

    /** Creates {@link SundewGate} under the name {@code sundew}. */
    public static final class Factory implements GateFactory {
        @Override
        public String name() {
            return "sundew";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Gate create(PluginContext context) {
            return new SundewGate(context.options(Options.class), context.random());
        }
    }
}
