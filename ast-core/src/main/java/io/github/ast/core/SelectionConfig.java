package io.github.ast.core;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;

/**
 * How and when samples are selected: from a fresh scoring pass or from history, how much to explore below the
 * threshold, whether to reweight explored samples, and the epochs trained on all data at the start and the end. Each
 * component's meaning and default is its {@link Option}.
 *
 * @param mode {@code ast.selection}: {@link Mode#FRESH}, {@link Mode#HISTORY} or {@link Mode#STALE}
 * @param exploration {@code ast.exploration}, in [0, 1); in history mode this is how stale samples get rescored
 * @param rescale {@code ast.rescale}; needs exploration > 0
 * @param warmupEpochs {@code ast.warmupEpochs}, >= 0
 * @param annealEpochs {@code ast.annealEpochs}, >= 0
 * @param targetStart {@code ast.targetStart}, in (0, 1], or NaN for a constant target
 * @param staleness {@code ast.staleness}, >= 1
 */
public record SelectionConfig(
        @Option(key = "selection", description = "`fresh` (a scoring pass over every sample), `history` (select from "
                + "the outputs last seen, no scoring pass) or `stale` (fresh every `ast.staleness` epochs, history in "
                + "between: StaleSB)") Mode mode,
        @Option(description = "probability that a sample left out by the gate trains anyway, in [0, 1)")
        double exploration,
        @Option(description = "weight explored samples' loss by 1/exploration (unbiased gradient, InfoBatch); needs "
                + "`ast.exploration` > 0") boolean rescale,
        @Option(description = "first epochs trained on all data, no scoring pass") int warmupEpochs,
        @Option(description = "last epochs trained on all data, no scoring pass") int annealEpochs,
        @Option(description = "target-rate schedule: the first sparse epoch's target, moving linearly to "
                + "`ast.targetRate` by the last (threshold-driven gates); none: a constant target") double targetStart,
        @Option(description = "`stale`: epochs a fresh pass's scores are reused for") int staleness) {

    /** Fresh scoring, no exploration, no rescaling, no warm-up or annealing: the reference algorithm. */
    public static final SelectionConfig DEFAULTS = new SelectionConfig(Mode.FRESH, 0, false, 0, 0);

    /**
     * Creates a selection with a constant target rate and StaleSB's staleness, 2.
     *
     * @param mode fresh, history or stale
     * @param exploration exploration probability
     * @param rescale whether to reweight explored samples
     * @param warmupEpochs first epochs on all data
     * @param annealEpochs last epochs on all data
     */
    public SelectionConfig(Mode mode, double exploration, boolean rescale, int warmupEpochs, int annealEpochs) {
        this(mode, exploration, rescale, warmupEpochs, annealEpochs, Double.NaN, 2);
    }

    /** Where the scores that drive selection come from. */
    public enum Mode {
        /** A gradient-free forward pass over the whole batch. */
        FRESH,
        /** The outputs last computed for each sample, refreshed by the training forward. */
        HISTORY,
        /** A fresh pass every {@code staleness} epochs, the history's values in between. */
        STALE;

        /** {@return the configured name} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Validates the values.
     *
     * @param mode {@code ast.selection}
     * @param exploration {@code ast.exploration}, in [0, 1)
     * @param rescale {@code ast.rescale}; needs exploration > 0
     * @param warmupEpochs {@code ast.warmupEpochs}, >= 0
     * @param annealEpochs {@code ast.annealEpochs}, >= 0
     * @param targetStart {@code ast.targetStart}, in (0, 1], or NaN for a constant target
     * @param staleness {@code ast.staleness}, >= 1
     */
    public SelectionConfig {
        require(mode != null, "selection", mode, "fresh, history or stale");
        require(exploration >= 0 && exploration < 1, "exploration", exploration, "in [0, 1)");
        require(!rescale || exploration > 0, "rescale", rescale, "false while ast.exploration is 0: only explored "
                + "samples are reweighted, by 1 / exploration");
        require(warmupEpochs >= 0, "warmupEpochs", warmupEpochs, ">= 0");
        require(annealEpochs >= 0, "annealEpochs", annealEpochs, ">= 0");
        require(Double.isNaN(targetStart) || targetStart > 0 && targetStart <= 1, "targetStart", targetStart,
                "in (0, 1]");
        require(staleness >= 1, "staleness", staleness, ">= 1 (epochs a fresh pass's scores are reused for)");
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
