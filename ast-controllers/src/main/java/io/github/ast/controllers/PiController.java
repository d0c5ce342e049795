package io.github.ast.controllers;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference controller: a PI loop in velocity form on the EMA-smoothed activation rate.
 *
 * <p>Per batch: {@code ema = a*rate + (1-a)*ema}; {@code e = 100*(ema - target)} (percentage points);
 * {@code I = clamp(I + e, ±clamp)}; {@code threshold = clamp(threshold + Kp*e + Ki*I, [min, max])}; and when the
 * unclamped threshold left the bounds, {@code I *= 1 - decay} so the integral cannot wind up against a saturated
 * threshold. Too many active samples make {@code e > 0} and raise the threshold. The smoothed rate starts at the
 * first observation. With {@code rate=cumulative} the rate fed to the EMA is the share of all rows activated since
 * training began, as the published system's authors' code computes it.
 */
public class PiController implements Controller {

    private PiSettings settings;
    private double threshold;
    private double smoothedRate = Double.NaN;
    private double integral;
    private double error;
    private boolean saturated;
    /** Rows activated and rows seen since training began, for a cumulative rate. */
    private double activeRows;
    private double seenRows;

    /**
     * Creates a controller at its initial threshold.
     *
     * @param settings validated settings
     */
    public PiController(PiSettings settings) {
        this.settings = settings;
        this.threshold = settings.initialThreshold();
    }

    /** {@return the settings, with the current target} */
    public PiSettings settings() {
        return settings;
    }

    @Override
    public void retarget(double targetRate) {
        settings = settings.withTargetRate(targetRate);
    }

    @Override
    public double threshold() {
        return threshold;
    }

    /** Feeds a batch's rate; a cumulative rate weighs each batch fed this way as one row. */
    @Override
    public double update(double observedRate) {
        return update(observedRate, 1);
    }

    @Override
    public double update(double observedRate, int rows) {
        if (!(observedRate >= 0 && observedRate <= 1)) {
            throw new IllegalArgumentException("observedRate=" + observedRate + " must be in [0, 1]");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("rows=" + rows + " must be >= 1");
        }
        if (cumulative()) {
            activeRows += observedRate * rows;
            seenRows += rows;
            return step(activeRows / seenRows);
        }
        return step(observedRate);
    }

    private double step(double observedRate) {
        PiOptions o = settings.options();
        double previous = smoothedRate;
        smoothedRate = Double.isNaN(previous)
                ? observedRate
                : o.emaAlpha() * observedRate + (1 - o.emaAlpha()) * previous;
        error = 100 * (smoothedRate - settings.targetRate());
        double scale = gainScale(observedRate);
        integral = clamp(integral + scale * error, -o.integralClamp(), o.integralClamp());
        double candidate = threshold + scale * (o.kp() * error + o.ki() * integral)
                + extraStep(previous, smoothedRate);
        threshold = clamp(candidate, o.minThreshold(), o.maxThreshold());
        saturated = candidate != threshold;
        if (saturated) {
            integral *= 1 - o.saturationDecay();
        }
        return threshold;
    }

    /**
     * Hook for a factor on the PI terms, called once per batch before they are computed; the PI controller uses 1.
     *
     * <p>The factor multiplies what the integral accumulates as well as both terms, so that a smaller factor slows
     * the whole loop down in time without changing its damping.
     *
     * @param observedRate the rate observed on this batch
     * @return the factor, in (0, 1]
     */
    protected double gainScale(double observedRate) {
        return 1;
    }

    /**
     * Hook for additional terms; the PI controller adds none.
     *
     * @param previousRate the smoothed rate before this batch (NaN on the first batch)
     * @param smoothed the smoothed rate after this batch
     * @return the extra change of the threshold
     */
    protected double extraStep(double previousRate, double smoothed) {
        return 0;
    }

    @Override
    public ControllerState state() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("threshold", threshold);
        values.put("smoothedRate", smoothedRate);
        values.put("error", error);
        values.put("integral", integral);
        values.put("saturated", saturated ? 1.0 : 0.0);
        if (cumulative()) {
            values.put("activeRows", activeRows);
            values.put("seenRows", seenRows);
        }
        addState(values);
        return new ControllerState(name(), values);
    }

    @Override
    public void restore(ControllerState state) {
        if (!name().equals(state.controller())) {
            throw new IllegalArgumentException(
                    "cannot restore a '" + name() + "' controller from a '" + state.controller() + "' state");
        }
        double restoredThreshold = state.get("threshold");
        double restoredRate = state.get("smoothedRate");
        double restoredError = state.get("error");
        double restoredIntegral = state.get("integral");
        double restoredSaturated = state.get("saturated");
        PiOptions o = settings.options();
        if (!(restoredThreshold >= o.minThreshold() && restoredThreshold <= o.maxThreshold())) {
            throw new IllegalArgumentException("restored threshold=" + restoredThreshold + " is outside ["
                    + o.minThreshold() + ", " + o.maxThreshold() + "]");
        }
        if (!(Double.isNaN(restoredRate) || restoredRate >= 0 && restoredRate <= 1)) {
            throw new IllegalArgumentException(
                    "restored smoothedRate=" + restoredRate + " is invalid; it must be in [0, 1], or NaN before the "
                            + "first batch");
        }
        if (!(Math.abs(restoredIntegral) <= o.integralClamp())) {
            throw new IllegalArgumentException("restored integral=" + restoredIntegral + " is outside ±"
                    + o.integralClamp());
        }
        double restoredActive = cumulative() ? state.get("activeRows") : 0;
        double restoredSeen = cumulative() ? state.get("seenRows") : 0;
        if (!(restoredSeen >= 0 && restoredActive >= 0 && restoredActive <= restoredSeen)) {
            throw new IllegalArgumentException("restored activeRows=" + restoredActive + " and seenRows="
                    + restoredSeen + " must satisfy 0 <= activeRows <= seenRows");
        }
        restoreState(state);
        activeRows = restoredActive;
        seenRows = restoredSeen;
        threshold = restoredThreshold;
        smoothedRate = restoredRate;
        error = restoredError;
        integral = restoredIntegral;
        saturated = restoredSaturated != 0;
    }

    /**
     * Hook for subclasses to validate and restore their own state variables; it runs after the PI variables were
     * validated and before they are assigned, so a rejected snapshot leaves the controller unchanged.
     *
     * @param state the snapshot
     * @throws IllegalArgumentException if a variable is missing or invalid
     */
    protected void restoreState(ControllerState state) {}

    /**
     * Hook for subclasses to add their own state variables.
     *
     * @param values the map to add to
     */
    protected void addState(Map<String, Double> values) {}

    private boolean cumulative() {
        return settings.options().rate() == PiOptions.Rate.CUMULATIVE;
    }

    /** {@return the name this controller is registered under} */
    protected String name() {
        return "pi";
    }

    static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    /** Creates {@link PiController} under the name {@code pi}. */
    public static final class Factory implements ControllerFactory {
        @Override
        public String name() {
            return "pi";
        }

        @Override
        public Class<PiOptions> optionsType() {
            return PiOptions.class;
        }

        @Override
        public Controller create(PluginContext context) {
            return new PiController(PiSettings.of(context, context.options(PiOptions.class)));
        }
    }
}
