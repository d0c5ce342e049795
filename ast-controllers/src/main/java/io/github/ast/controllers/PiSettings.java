package io.github.ast.controllers;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Set;

/**
 * Validated settings of the PI controller; the defaults are the reference values.
 *
 * <p>The error the gains multiply is in <em>percentage points</em> of activation ({@code 100 * (ema - target)}). With
 * the reference gains and the error as a fraction, the loop is two orders of magnitude too slow and its doubly
 * integrating threshold oscillates with a period of about one Fashion-MNIST epoch; in points it settles within tens
 * of batches (see {@code ControllerSimulationTest}).
 *
 * @param targetRate the activation rate to hold, in (0, 1]
 * @param initialThreshold the threshold before the first batch, within the bounds
 * @param kp proportional gain, per percentage point
 * @param ki integral gain, per accumulated percentage point
 * @param emaAlpha weight of the newest observation in the smoothed rate, in (0, 1]
 * @param integralClamp bound on the magnitude of the integral, > 0
 * @param saturationDecay fraction of the integral removed on every batch where the threshold hits a bound, in [0, 1]
 * @param minThreshold lower bound of the threshold
 * @param maxThreshold upper bound of the threshold, > minThreshold
 */
public record PiSettings(double targetRate, double initialThreshold, double kp, double ki, double emaAlpha,
        double integralClamp, double saturationDecay, double minThreshold, double maxThreshold) {

    /** Setting keys read by {@link #from(PluginContext)}. */
    public static final Set<String> KEYS = Set.of("kp", "ki", "emaAlpha", "integralClamp", "saturationDecay",
            "minThreshold", "maxThreshold");

    /** Validates every value, naming the bad one and the allowed range. */
    public PiSettings {
        require(targetRate > 0 && targetRate <= 1, "targetRate", targetRate, "in (0, 1]");
        require(Double.isFinite(kp) && kp >= 0, "kp", kp, "finite and >= 0");
        require(Double.isFinite(ki) && ki >= 0, "ki", ki, "finite and >= 0");
        require(emaAlpha > 0 && emaAlpha <= 1, "emaAlpha", emaAlpha, "in (0, 1]");
        require(Double.isFinite(integralClamp) && integralClamp > 0, "integralClamp", integralClamp, "finite and > 0");
        require(saturationDecay >= 0 && saturationDecay <= 1, "saturationDecay", saturationDecay, "in [0, 1]");
        require(Double.isFinite(minThreshold), "minThreshold", minThreshold, "finite");
        require(Double.isFinite(maxThreshold) && maxThreshold > minThreshold, "maxThreshold", maxThreshold,
                "finite and > minThreshold (" + minThreshold + ")");
        require(initialThreshold >= minThreshold && initialThreshold <= maxThreshold, "initialThreshold",
                initialThreshold, "within [minThreshold, maxThreshold] = [" + minThreshold + ", " + maxThreshold + "]");
    }

    /**
     * Returns the reference settings for a target and a starting threshold.
     *
     * @param targetRate the activation rate to hold
     * @param initialThreshold the starting threshold
     * @return Kp 0.0015, Ki 0.00005, EMA 0.3, clamp 50, decay 0.1, bounds [0, 1]
     */
    public static PiSettings reference(double targetRate, double initialThreshold) {
        return new PiSettings(targetRate, initialThreshold, 0.0015, 0.00005, 0.3, 50, 0.1, 0, 1);
    }

    /**
     * Reads settings from a plugin context, falling back to the reference values.
     *
     * @param context run-wide values and the controller's settings
     * @return validated settings
     */
    public static PiSettings from(PluginContext context) {
        PiSettings ref = reference(context.targetRate(), context.initialThreshold());
        Settings s = context.settings();
        return new PiSettings(context.targetRate(), context.initialThreshold(), s.getDouble("kp", ref.kp),
                s.getDouble("ki", ref.ki), s.getDouble("emaAlpha", ref.emaAlpha),
                s.getDouble("integralClamp", ref.integralClamp), s.getDouble("saturationDecay", ref.saturationDecay),
                s.getDouble("minThreshold", ref.minThreshold), s.getDouble("maxThreshold", ref.maxThreshold));
    }

    static void require(boolean ok, String name, double value, String allowed) {
        if (!ok) {
            throw new ConfigurationException(name + "=" + value + " is invalid; it must be " + allowed);
        }
    }
}
