package io.github.ast.api;

/**
 * Energy of one batch (or a sum of batches) and what full-data training would have spent on it.
 *
 * @param spent energy the sparse step spent, scoring included
 * @param baseline energy a full-data step would have spent on the same samples
 */
public record BatchEnergy(double spent, double baseline) {

    /** A zero amount, the start of every sum. */
    public static final BatchEnergy ZERO = new BatchEnergy(0, 0);

    /**
     * Checks that both figures are finite and non-negative.
     *
     * @param spent energy the sparse step spent, scoring included
     * @param baseline energy a full-data step would have spent on the same samples
     */
    public BatchEnergy {
        if (!(spent >= 0) || !(baseline >= 0) || Double.isInfinite(spent) || Double.isInfinite(baseline)) {
            throw new IllegalArgumentException(
                    "energy figures must be finite and >= 0, got spent=" + spent + ", baseline=" + baseline);
        }
    }

    /**
     * Returns the sum of this and another amount.
     *
     * @param other the amount to add
     * @return a new amount whose figures are the sums of both
     */
    public BatchEnergy plus(BatchEnergy other) {
        return new BatchEnergy(spent + other.spent, baseline + other.baseline);
    }

    /**
     * {@return 1 - spent / baseline, the fraction saved (negative when sparse training cost more); 0 if nothing ran}
     */
    public double savings() {
        return baseline == 0 ? 0 : 1 - spent / baseline;
    }
}
