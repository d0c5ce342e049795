package io.github.ast.controllers;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The PI controller plus a derivative term on the measurement, low-pass filtered.
 *
 * <p>Taking the derivative of the smoothed rate rather than of the error avoids a kick when the target changes;
 * the filter keeps batch-to-batch noise in the rate from shaking the threshold. A rising rate raises the threshold
 * early, which damps overshoot after a sudden shift in the score distribution.
 */
public final class PidController extends PiController {

    private final double kd;
    private final double derivativeFilter;
    private double filteredDerivative;

    /**
     * Creates a controller.
     *
     * @param settings the PI part
     * @param kd derivative gain per percentage point per batch, finite and >= 0
     * @param derivativeFilter weight of the previous filtered derivative, in [0, 1)
     */
    public PidController(PiSettings settings, double kd, double derivativeFilter) {
        super(settings);
        PiSettings.require(Double.isFinite(kd) && kd >= 0, "ast.controller.kd", kd, "finite and >= 0");
        PiSettings.require(derivativeFilter >= 0 && derivativeFilter < 1, "ast.controller.derivativeFilter",
                derivativeFilter, "in [0, 1)");
        this.kd = kd;
        this.derivativeFilter = derivativeFilter;
    }

    @Override
    protected double extraStep(double previousRate, double smoothed) {
        double slope = Double.isNaN(previousRate) ? 0 : 100 * (smoothed - previousRate);
        filteredDerivative = derivativeFilter * filteredDerivative + (1 - derivativeFilter) * slope;
        return kd * filteredDerivative;
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

    /** Creates {@link PidController} under the name {@code pid}; defaults Kd 0.003 and filter 0.5. */
    public static final class Factory implements ControllerFactory {
        @Override
        public String name() {
            return "pid";
        }

        @Override
        public Set<String> settingKeys() {
            Set<String> keys = new HashSet<>(PiSettings.KEYS);
            keys.add("kd");
            keys.add("derivativeFilter");
            return Set.copyOf(keys);
        }

        @Override
        public Controller create(PluginContext context) {
            return new PidController(PiSettings.from(context), context.settings().getDouble("kd", 0.003),
                    context.settings().getDouble("derivativeFilter", 0.5));
        }
    }
}
