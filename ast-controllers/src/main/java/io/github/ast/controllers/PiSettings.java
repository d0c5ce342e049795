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
 * integrating threshold oscillates with a period of about one Fashion-MNIST epoch; in points it reaches the target
 * within tens of batches (see {@code docs/controllers.md} and {@code ClosedLoopTest}).
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

    private static final double KP = 0.0015;
    private static final double KI = 0.00005;
    private static final double EMA_ALPHA = 0.3;
    private static final double INTEGRAL_CLAMP = 50;
    private static final double SATURATION_DECAY = 0.1;
    private static final double MIN_THRESHOLD = 0;
    private static final double MAX_THRESHOLD = 1;

    /** Setting keys read by {@link #from(PluginContext)}. */
    public static final Set<String> KEYS = Set.of("kp", "ki", "emaAlpha", "integralClamp", "saturationDecay",
            "minThreshold", "maxThreshold");

    /**
     * Validates every value, naming the bad one by its configuration key and the allowed range.
     *
     * @param targetRate the activation rate to hold, in (0, 1]
     * @param initialThreshold the threshold before the first batch, within the bounds
     * @param kp proportional gain, per percentage point, finite, >= 0 and below the threshold's range
     * @param ki integral gain, per accumulated percentage point, finite, >= 0 and below the threshold's range
     * @param emaAlpha weight of the newest observation in the smoothed rate, in (0, 1]
     * @param integralClamp bound on the magnitude of the integral, finite and > 0
     * @param saturationDecay fraction of the integral removed on every batch where the threshold hits a bound,
     *     in [0, 1]
     * @param minThreshold lower bound of the threshold, finite
     * @param maxThreshold upper bound of the threshold, finite and > minThreshold
     */
    public PiSettings {
        require(targetRate > 0 && targetRate <= 1, "ast.targetRate", targetRate, "in (0, 1]");
        require(Double.isFinite(kp) && kp >= 0, "ast.controller.kp", kp, "finite and >= 0");
        require(Double.isFinite(ki) && ki >= 0, "ast.controller.ki", ki, "finite and >= 0");
        require(emaAlpha > 0 && emaAlpha <= 1, "ast.controller.emaAlpha", emaAlpha, "in (0, 1]");
        require(Double.isFinite(integralClamp) && integralClamp > 0, "ast.controller.integralClamp", integralClamp,
                "finite and > 0");
        require(saturationDecay >= 0 && saturationDecay <= 1, "ast.controller.saturationDecay", saturationDecay,
                "in [0, 1]");
        require(Double.isFinite(minThreshold), "ast.controller.minThreshold", minThreshold, "finite");
        require(Double.isFinite(maxThreshold) && maxThreshold > minThreshold, "ast.controller.maxThreshold",
                maxThreshold, "finite and > ast.controller.minThreshold (" + minThreshold + ")");
        // A gain that moves the threshold across its whole range on a one-point error makes the loop on-off: the
        // threshold sits at a bound and the fallback trains most batches, whatever the target.
        double range = maxThreshold - minThreshold;
        require(kp < range, "ast.controller.kp", kp, "below the threshold's range (" + range + ") per percentage "
                + "point, or one point of error would move the threshold from bound to bound (default " + KP + ")");
        require(ki < range, "ast.controller.ki", ki, "below the threshold's range (" + range + ") per percentage "
                + "point, or one point of accumulated error would move the threshold from bound to bound (default "
                + KI + ")");
        require(initialThreshold >= minThreshold && initialThreshold <= maxThreshold, "ast.initialThreshold",
                initialThreshold, "within [ast.controller.minThreshold, ast.controller.maxThreshold] = ["
                        + minThreshold + ", " + maxThreshold + "]");
    }

    /**
     * Returns the reference settings for a target and a starting threshold.
     *
     * @param targetRate the activation rate to hold
     * @param initialThreshold the starting threshold
     * @return Kp 0.0015, Ki 0.00005, EMA 0.3, clamp 50, decay 0.1, bounds [0, 1]
     */
    public static PiSettings reference(double targetRate, double initialThreshold) {
        return new PiSettings(targetRate, initialThreshold, KP, KI, EMA_ALPHA, INTEGRAL_CLAMP, SATURATION_DECAY,
                MIN_THRESHOLD, MAX_THRESHOLD);
    }

    /**
     * Reads settings from a plugin context, falling back to the reference values.
     *
     * @param context run-wide values and the controller's settings
     * @return validated settings
     */
    public static PiSettings from(PluginContext context) {
        Settings s = context.settings();
        return new PiSettings(context.targetRate(), context.initialThreshold(), s.getDouble("kp", KP),
                s.getDouble("ki", KI), s.getDouble("emaAlpha", EMA_ALPHA),
                s.getDouble("integralClamp", INTEGRAL_CLAMP), s.getDouble("saturationDecay", SATURATION_DECAY),
                s.getDouble("minThreshold", MIN_THRESHOLD), s.getDouble("maxThreshold", MAX_THRESHOLD));
    }

    /**
     * Returns the same settings with another target.
     *
     * @param rate the new target, in (0, 1]
     * @return the settings
     */
    public PiSettings withTargetRate(double rate) {
        return new PiSettings(rate, initialThreshold, kp, ki, emaAlpha, integralClamp, saturationDecay, minThreshold,
                maxThreshold);
    }

    static void require(boolean ok, String name, double value, String allowed) {
        if (!ok) {
            throw new ConfigurationException(name + "=" + value + " is invalid; it must be " + allowed);
        }
    }
}
