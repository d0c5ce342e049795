package io.github.ast.controllers;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * The PI controller's settings, {@code ast.controller.*}; the defaults are the reference values.
 *
 * <p>The error the gains multiply is in <em>percentage points</em> of activation ({@code 100 * (ema - target)}). With
 * the reference gains and the error as a fraction, the loop is two orders of magnitude too slow and its doubly
 * integrating threshold oscillates with a period of about one Fashion-MNIST epoch; in points it reaches the target
 * within tens of batches (see {@code docs/controllers.md} and {@code ClosedLoopTest}).
 *
 * @param kp proportional gain, per percentage point
 * @param ki integral gain, per accumulated percentage point
 * @param emaAlpha weight of the newest observation in the smoothed rate, in (0, 1]
 * @param integralClamp bound on the magnitude of the integral, > 0
 * @param saturationDecay fraction of the integral removed on every batch where the threshold hits a bound, in [0, 1]
 * @param minThreshold lower bound of the threshold
 * @param maxThreshold upper bound of the threshold, > minThreshold
 * @param rate which activation rate the loop holds: each batch's, or the cumulative one
 */
public record PiOptions(
        @Option(description = "proportional gain, per percentage point of activation error") double kp,
        @Option(description = "integral gain, per accumulated percentage point") double ki,
        @Option(description = "weight of the newest batch in the smoothed activation rate") double emaAlpha,
        @Option(description = "bound on the magnitude of the integral") double integralClamp,
        @Option(description = "fraction of the integral removed per batch while the threshold sits on a bound")
        double saturationDecay,
        @Option(description = "lower bound of the threshold") double minThreshold,
        @Option(description = "upper bound of the threshold") double maxThreshold,
        @Option(description = "the activation rate fed to the smoothing: `batch` (each batch's, as the blog post "
                + "describes) or `cumulative` (the share of all rows activated since training began, as the authors' "
                + "code computes it)") Rate rate) {

    /** The reference values: Kp 0.0015, Ki 0.00005, EMA 0.3, clamp 50, decay 0.1, bounds [0, 1], batch rates. */
    public static final PiOptions DEFAULTS = new PiOptions(0.0015, 0.00005, 0.3, 50, 0.1, 0, 1, Rate.BATCH);

    /** The activation rate a controller holds. */
    public enum Rate {
        /** The last batch's: the loop reacts to what the gate does now. */
        BATCH,
        /** All rows activated since training began over all rows seen: reacts ever more slowly as a run goes on. */
        CUMULATIVE
    }

    /**
     * Validates every value, naming the bad one and the allowed range.
     *
     * @param kp proportional gain, per percentage point, finite, >= 0 and below the threshold's range
     * @param ki integral gain, per accumulated percentage point, finite, >= 0 and below the threshold's range
     * @param emaAlpha weight of the newest observation in the smoothed rate, in (0, 1]
     * @param integralClamp bound on the magnitude of the integral, finite and > 0
     * @param saturationDecay fraction of the integral removed on every batch where the threshold hits a bound,
     *     in [0, 1]
     * @param minThreshold lower bound of the threshold, finite
     * @param maxThreshold upper bound of the threshold, finite and > minThreshold
     * @param rate the rate fed to the smoothing, not null
     */
    public PiOptions {
        require(rate != null, "rate", rate, "batch or cumulative");
        require(Double.isFinite(kp) && kp >= 0, "kp", kp, "finite and >= 0");
        require(Double.isFinite(ki) && ki >= 0, "ki", ki, "finite and >= 0");
        require(emaAlpha > 0 && emaAlpha <= 1, "emaAlpha", emaAlpha, "in (0, 1]");
        require(Double.isFinite(integralClamp) && integralClamp > 0, "integralClamp", integralClamp,
                "finite and > 0");
        require(saturationDecay >= 0 && saturationDecay <= 1, "saturationDecay", saturationDecay, "in [0, 1]");
        require(Double.isFinite(minThreshold), "minThreshold", minThreshold, "finite");
        require(Double.isFinite(maxThreshold) && maxThreshold > minThreshold, "maxThreshold", maxThreshold,
                "finite and > minThreshold (" + minThreshold + ")");
        // A gain that moves the threshold across its whole range on a one-point error makes the loop on-off: the
        // threshold sits at a bound and the fallback trains most batches, whatever the target.
        double range = maxThreshold - minThreshold;
        require(kp < range, "kp", kp, "below the threshold's range (" + range + ") per percentage point, or one "
                + "point of error would move the threshold from bound to bound");
        require(ki < range, "ki", ki, "below the threshold's range (" + range + ") per percentage point, or one "
                + "point of accumulated error would move the threshold from bound to bound");
    }
}
