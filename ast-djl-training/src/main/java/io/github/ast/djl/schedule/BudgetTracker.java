package io.github.ast.djl.schedule;

import ai.djl.training.tracker.Tracker;
import java.util.Locale;

/**
 * A learning rate that decays to (almost) zero exactly at the end of a training-time budget: a linear warm-up over
 * the first {@code warmup} fraction of the budget, then cosine or linear decay to {@code finalFraction} of the base
 * rate. Progress is {@link TrainingClock} time over the budget, not the update count, so a method that runs ten times
 * more steps per second still finishes its schedule when the budget does: the comparison Kaddour et al. (NeurIPS
 * 2023) showed selection methods must survive. {@link Shape#FIXED} keeps the base rate throughout.
 *
 * <p>The value is computed once per optimiser update (DJL asks once per parameter), so all parameters of one step
 * share one rate.
 */
public final class BudgetTracker implements Tracker {

    /** How the rate falls after the warm-up. */
    public enum Shape {
        /** Half a cosine from the base rate to the final one. */
        COSINE,
        /** A straight line from the base rate to the final one. */
        LINEAR,
        /** The base rate throughout; warm-up is ignored. */
        FIXED;

        /**
         * Parses a shape name.
         *
         * @param name cosine, linear or fixed (any case)
         * @return the shape
         * @throws IllegalArgumentException naming the value and the allowed ones
         */
        public static Shape of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("learning-rate schedule '" + name + "' is unknown; use cosine, "
                        + "linear or fixed", e);
            }
        }
    }

    private final TrainingClock clock;
    private final double budgetSeconds;
    private final float baseRate;
    private final double warmup;
    private final double finalFraction;
    private final Shape shape;
    private int lastUpdate = -1;
    private float lastValue;

    /**
     * Creates a tracker.
     *
     * @param clock the training clock whose seconds measure progress
     * @param budgetSeconds the budget, > 0
     * @param baseRate the peak learning rate, > 0
     * @param warmup fraction of the budget spent warming up linearly from 0, in [0, 1)
     * @param finalFraction the rate at the budget's end as a fraction of the base rate, in [0, 1]
     * @param shape the decay's shape
     * @throws IllegalArgumentException naming a value outside its range
     */
    public BudgetTracker(TrainingClock clock, double budgetSeconds, float baseRate, double warmup,
            double finalFraction, Shape shape) {
        if (!(budgetSeconds > 0) || Double.isInfinite(budgetSeconds)) {
            throw new IllegalArgumentException("budget " + budgetSeconds + " s must be finite and > 0");
        }
        if (!(baseRate > 0)) {
            throw new IllegalArgumentException("base learning rate " + baseRate + " must be > 0");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new IllegalArgumentException("warm-up fraction " + warmup + " must be in [0, 1)");
        }
        if (!(finalFraction >= 0 && finalFraction <= 1)) {
            throw new IllegalArgumentException("final fraction " + finalFraction + " must be in [0, 1]");
        }
        this.clock = clock;
        this.budgetSeconds = budgetSeconds;
        this.baseRate = baseRate;
        this.warmup = warmup;
        this.finalFraction = finalFraction;
        this.shape = shape;
    }

    @Override
    public float getNewValue(int numUpdate) {
        if (numUpdate != lastUpdate) {
            lastUpdate = numUpdate;
            lastValue = valueAt(clock.seconds() / budgetSeconds);
        }
        return lastValue;
    }

    /**
     * Returns the rate at a progress through the budget.
     *
     * @param progress elapsed training time over the budget; clamped to [0, 1]
     * @return the learning rate
     */
    public float valueAt(double progress) {
        if (shape == Shape.FIXED) {
            return baseRate;
        }
        double p = Math.min(1, Math.max(0, progress));
        if (p < warmup) {
            return (float) (baseRate * p / warmup);
        }
        double decay = warmup >= 1 ? 1 : (p - warmup) / (1 - warmup);
        double factor = shape == Shape.COSINE ? 0.5 * (1 + Math.cos(Math.PI * decay)) : 1 - decay;
        return (float) (baseRate * (finalFraction + (1 - finalFraction) * factor));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(base %s, warm-up %.3f, final %.3f, budget %.1f s)",
                shape.name().toLowerCase(Locale.ROOT), baseRate, warmup, finalFraction, budgetSeconds);
    }
}
