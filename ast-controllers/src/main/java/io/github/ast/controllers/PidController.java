package io.github.ast.controllers;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Option;
import java.util.Map;

/**
 * The PI controller plus a derivative term on the measurement, low-pass filtered.
 *
 * <p>Taking the derivative of the smoothed rate rather than of the error avoids a kick when the target changes;
 * the filter keeps batch-to-batch noise in the rate from shaking the threshold. A rising rate raises the threshold
 * early, which damps overshoot after a sudden shift in the score distribution.
 */
public final class PidController extends PiController {

    private final Derivative derivative;
    private double filteredDerivative;

    /**
     * Creates a controller.
     *
     * @param settings the PI part
     * @param derivative the derivative term
     */
    public PidController(PiSettings settings, Derivative derivative) {
        super(settings);
        this.derivative = derivative;
    }

    @Override
    protected double extraStep(double previousRate, double smoothed) {
        double slope = Double.isNaN(previousRate) ? 0 : 100 * (smoothed - previousRate);
        double filter = derivative.derivativeFilter();
        filteredDerivative = filter * filteredDerivative + (1 - filter) * slope;
        return derivative.kd() * filteredDerivative;
    }

    @Override
    protected void addState(Map<String, Double> values) {
        values.put("filteredDerivative", filteredDerivative);
    }

    @Override
    protected void restoreState(ControllerState state) {
        double restored = state.get("filteredDerivative");
        if (!Double.isFinite(restored)) {
            throw new IllegalArgumentException("restored filteredDerivative=" + restored + " is not finite");
        }
        filteredDerivative = restored;
    }

    @Override
    protected String name() {
        return "pid";
    }

    /**
     * The derivative term's settings.
     *
     * @param kd derivative gain per percentage point per batch, finite and >= 0
     * @param derivativeFilter weight of the previous filtered derivative, in [0, 1)
     */
    public record Derivative(
            @Option(description = "derivative gain, per percentage point of change of the smoothed rate per batch")
            double kd,
            @Option(description = "weight of the previous filtered derivative (low-pass filter)")
            double derivativeFilter) {

        /** Kd 0.003, filter 0.5. */
        public static final Derivative DEFAULTS = new Derivative(0.003, 0.5);

        /**
         * Validates the values.
         *
         * @param kd derivative gain per percentage point per batch, finite and >= 0
         * @param derivativeFilter weight of the previous filtered derivative, in [0, 1)
         */
        public Derivative {
            require(Double.isFinite(kd) && kd >= 0, "kd", kd, "finite and >= 0");
            require(derivativeFilter >= 0 && derivativeFilter < 1, "derivativeFilter", derivativeFilter, "in [0, 1)");
        }
    }

    /**
     * The controller's settings: the PI controller's and the derivative term's.
     *
     * @param pi the PI part
     * @param derivative the derivative term
     */
    public record Options(PiOptions pi, Derivative derivative) {

        /** The reference PI values and the default derivative term. */
        public static final Options DEFAULTS = new Options(PiOptions.DEFAULTS, Derivative.DEFAULTS);
    }

    /** Creates {@link PidController} under the name {@code pid}. */
    public static final class Factory implements ControllerFactory {
        @Override
        public String name() {
            return "pid";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Controller create(PluginContext context) {
            Options options = context.options(Options.class);
            return new PidController(PiSettings.of(context, options.pi()), options.derivative());
        }
    }
}
