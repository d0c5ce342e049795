package io.github.ast.controllers;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.Map;

/**
 * The reference PI loop with its gains scaled per batch by {@link GainAdaptation Kesten's rule}.
 *
 * <p>Why: with fixed gains the threshold keeps reacting to the sampling noise of every batch. At 10% in batches of
 * 128 one batch's activation has a standard deviation of 2.7 points, and the reference PI turns it into threshold
 * jitter worth 0.8 points of expected activation (1.5 points at 50%, several points on heavy-tailed scores or tiny
 * batches). Lower fixed gains would trade that for slow settling and slow recovery after a shift. This controller
 * starts at the reference gains, so it reaches the target as fast, then lowers them while the activation flips from
 * one side of the target to the other, and raises them again when it stays on one side. With a factor of 1 it is the
 * reference PI exactly.
 */
public final class AdaptivePiController extends PiController {

    private final GainAdaptation adaptation;
    private double gainScale = 1;
    private double lastSide;

    /**
     * Creates a controller at its initial threshold, with the reference gains.
     *
     * @param settings the PI part
     * @param adaptation the gain rule
     */
    public AdaptivePiController(PiSettings settings, GainAdaptation adaptation) {
        super(settings);
        this.adaptation = adaptation;
    }

    /** {@return the gain rule} */
    public GainAdaptation adaptation() {
        return adaptation;
    }

    @Override
    protected double gainScale(double observedRate) {
        double side = Math.signum(observedRate - settings().targetRate());
        if (side != 0) {
            if (lastSide != 0) {
                gainScale = side == lastSide
                        ? Math.min(1, gainScale * adaptation.gainGrowth())
                        : Math.max(adaptation.minGainScale(), gainScale * adaptation.gainShrink());
            }
            lastSide = side;
        }
        return gainScale;
    }

    @Override
    protected void addState(Map<String, Double> values) {
        values.put("gainScale", gainScale);
        values.put("lastSide", lastSide);
    }

    @Override
    protected void restoreState(ControllerState state) {
        double restoredScale = state.get("gainScale");
        double restoredSide = state.get("lastSide");
        if (!(restoredScale >= adaptation.minGainScale() && restoredScale <= 1)) {
            throw new IllegalArgumentException("restored gainScale=" + restoredScale + " is outside ["
                    + adaptation.minGainScale() + ", 1]");
        }
        if (restoredSide != -1 && restoredSide != 0 && restoredSide != 1) {
            throw new IllegalArgumentException("restored lastSide=" + restoredSide + " is not -1, 0 or 1");
        }
        gainScale = restoredScale;
        lastSide = restoredSide;
    }

    @Override
    protected String name() {
        return "adaptive-pi";
    }

    /**
     * The controller's settings: the PI controller's and the gain rule's.
     *
     * @param pi the PI part
     * @param adaptation the gain rule
     */
    public record Options(PiOptions pi, GainAdaptation adaptation) {

        /** The reference PI values and the default gain rule. */
        public static final Options DEFAULTS = new Options(PiOptions.DEFAULTS, GainAdaptation.DEFAULTS);
    }

    /** Creates {@link AdaptivePiController} under the name {@code adaptive-pi}. */
    public static final class Factory implements ControllerFactory {
        @Override
        public String name() {
            return "adaptive-pi";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Controller create(PluginContext context) {
            Options options = context.options(Options.class);
            return new AdaptivePiController(PiSettings.of(context, options.pi()), options.adaptation());
        }
    }
}
