package io.github.ast.core;

import io.github.ast.api.ConfigurationException;

/**
 * How and when samples are selected: from a fresh scoring pass or from history, how much to explore below the
 * threshold, whether to reweight explored samples, and the epochs trained on all data at the start and the end.
 *
 * @param mode {@link Mode#FRESH}: score every sample with a gradient-free forward pass before selecting;
 *     {@link Mode#HISTORY}: select from the outputs last seen for each sample, skipping the scoring pass;
 *     {@link Mode#STALE}: fresh every {@code staleness} epochs, from history in between (StaleSB)
 * @param exploration probability, in [0, 1), that a sample the gate left out is trained anyway; in history mode
 *     this is how stale samples get rescored
 * @param rescale weight the loss of explored samples by 1 / exploration so the expected gradient equals the
 *     full-batch gradient (InfoBatch); needs exploration > 0
 * @param warmupEpochs first epochs trained on every sample, with no scoring pass, >= 0
 * @param annealEpochs last epochs trained on every sample, with no scoring pass, >= 0
 * @param targetStart the target rate of the first sparse epoch, moving linearly to the configured target by the
 *     last sparse epoch; NaN for a constant target
 * @param staleness with {@link Mode#STALE}, epochs a fresh pass's scores are reused for, >= 1
 */
public record SelectionConfig(Mode mode, double exploration, boolean rescale, int warmupEpochs, int annealEpochs,
        double targetStart, int staleness) {

    /** Epochs a stale source reuses a fresh pass's scores for unless configured: StaleSB's. */
    public static final int DEFAULT_STALENESS = 2;

    /** Fresh scoring, no exploration, no rescaling, no warm-up or annealing: the reference algorithm. */
    public static final SelectionConfig DEFAULT = new SelectionConfig(Mode.FRESH, 0, false, 0, 0);

    /**
     * Creates a selection with a constant target rate.
     *
     * @param mode fresh or history
     * @param exploration exploration probability
     * @param rescale whether to reweight explored samples
     * @param warmupEpochs first epochs on all data
     * @param annealEpochs last epochs on all data
     */
    public SelectionConfig(Mode mode, double exploration, boolean rescale, int warmupEpochs, int annealEpochs) {
        this(mode, exploration, rescale, warmupEpochs, annealEpochs, Double.NaN, DEFAULT_STALENESS);
    }

    /**
     * Creates a selection with a target schedule and the default staleness.
     *
     * @param mode fresh, history or stale
     * @param exploration exploration probability
     * @param rescale whether to reweight explored samples
     * @param warmupEpochs first epochs on all data
     * @param annealEpochs last epochs on all data
     * @param targetStart the first sparse epoch's target rate, NaN for a constant target
     */
    public SelectionConfig(Mode mode, double exploration, boolean rescale, int warmupEpochs, int annealEpochs,
            double targetStart) {
        this(mode, exploration, rescale, warmupEpochs, annealEpochs, targetStart, DEFAULT_STALENESS);
    }

    /** Where the scores that drive selection come from. */
    public enum Mode {
        /** A gradient-free forward pass over the whole batch. */
        FRESH,
        /** The outputs last computed for each sample, refreshed by the training forward. */
        HISTORY,
        /** A fresh pass every {@code staleness} epochs, the history's values in between. */
        STALE;

        /**
         * Parses {@code fresh}, {@code history} or {@code stale}.
         *
         * @param name the configured name
         * @return the mode
         */
        public static Mode of(String name) {
            return switch (name.trim()) {
                case "fresh" -> FRESH;
                case "history" -> HISTORY;
                case "stale" -> STALE;
                default -> throw new ConfigurationException("ast.selection=" + name
                        + " is unknown; use fresh, history or stale");
            };
        }

        /** {@return the configured name} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Validates the values.
     *
     * @param mode fresh, history or stale
     * @param exploration probability that a sample the gate left out is trained anyway, in [0, 1)
     * @param rescale whether to weight explored samples' losses by 1 / exploration; needs exploration > 0
     * @param warmupEpochs first epochs trained on every sample, >= 0
     * @param annealEpochs last epochs trained on every sample, >= 0
     * @param targetStart the first sparse epoch's target rate, NaN for a constant target
     * @param staleness with {@link Mode#STALE}, epochs a fresh pass's scores are reused for, >= 1
     */
    public SelectionConfig {
        if (mode == null) {
            throw new ConfigurationException("ast.selection must be fresh, history or stale");
        }
        if (staleness < 1) {
            throw new ConfigurationException("ast.staleness=" + staleness + " is invalid; it must be >= 1 (epochs a "
                    + "fresh pass's scores are reused for)");
        }
        if (!(exploration >= 0 && exploration < 1)) {
            throw new ConfigurationException("ast.exploration=" + exploration + " is invalid; it must be in [0, 1)");
        }
        if (rescale && exploration == 0) {
            throw new ConfigurationException("ast.rescale=true needs ast.exploration > 0: only explored samples are "
                    + "reweighted, by 1 / exploration");
        }
        if (!Double.isNaN(targetStart) && !(targetStart > 0 && targetStart <= 1)) {
            throw new ConfigurationException("ast.targetStart=" + targetStart + " is invalid; it must be in (0, 1]");
        }
        if (warmupEpochs < 0 || annealEpochs < 0) {
            throw new ConfigurationException("ast.warmupEpochs=" + warmupEpochs + " and ast.annealEpochs="
                    + annealEpochs + " must be >= 0");
        }
    }

    /**
     * Returns the phase of an epoch.
     *
     * @param epoch 1-based epoch
     * @param epochs total epochs
     * @return warm-up, sparse or anneal
     */
    public Phase phase(int epoch, int epochs) {
        if (epoch <= warmupEpochs) {
            return Phase.WARMUP;
        }
        return epoch > epochs - annealEpochs ? Phase.ANNEAL : Phase.SPARSE;
    }

    /**
     * Returns the target rate of an epoch: the configured target, or with a schedule, linear from
     * {@code targetStart} at the first sparse epoch to the configured target at the last one.
     *
     * @param epoch 1-based epoch
     * @param epochs total epochs
     * @param target the configured target rate
     * @return the epoch's target
     */
    public double targetRate(int epoch, int epochs, double target) {
        if (Double.isNaN(targetStart)) {
            return target;
        }
        int first = warmupEpochs + 1;
        int last = epochs - annealEpochs;
        if (last <= first) {
            return target;
        }
        double progress = Math.min(1, Math.max(0, (double) (epoch - first) / (last - first)));
        return target * progress + targetStart * (1 - progress); // exact at both ends
    }

    /** The phases of a run; energy is accounted per phase. */
    public enum Phase {
        /** All data, no scoring, at the start. */
        WARMUP,
        /** Adaptive sparse training. */
        SPARSE,
        /** All data, no scoring, at the end. */
        ANNEAL
    }
}
