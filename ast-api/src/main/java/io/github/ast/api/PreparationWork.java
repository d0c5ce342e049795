package io.github.ast.api;

/**
 * What a selection policy spent before the first batch (RHO-LOSS training its reference model and scoring the
 * training set with it), so that the run's totals count it: it is part of what the method costs.
 *
 * @param seconds wall-clock seconds
 * @param forwarded rows forward-propagated, training forwards included
 * @param backPropagated rows back-propagated
 */
public record PreparationWork(double seconds, long forwarded, long backPropagated) {

    /** Nothing prepared. */
    public static final PreparationWork NONE = new PreparationWork(0, 0, 0);

    /**
     * Checks that the figures are finite and non-negative, and that every back-propagated row was forwarded.
     *
     * @param seconds wall-clock seconds
     * @param forwarded rows forward-propagated, training forwards included
     * @param backPropagated rows back-propagated, at most {@code forwarded}
     */
    public PreparationWork {
        if (!(seconds >= 0) || Double.isInfinite(seconds) || forwarded < 0 || backPropagated < 0
                || backPropagated > forwarded) {
            throw new IllegalArgumentException("preparation figures must be finite, >= 0 and back-propagated <= "
                    + "forwarded; got seconds=" + seconds + ", forwarded=" + forwarded + ", backPropagated="
                    + backPropagated);
        }
    }
}
