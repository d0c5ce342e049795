package io.github.ast.api.spi;

import io.github.ast.api.ConfigurationException;
import java.util.Objects;

/**
 * The run-wide values every plugin may depend on, as the run configured them ({@code ast.<key>}); the trainer fills
 * them from its configuration, and {@link #of} gives defaults for a component used on its own.
 *
 * @param engine the DJL engine the model runs on ({@code ast.engine}), or empty for the default engine
 * @param scorer the run's scorer name ({@code ast.scorer}), or empty when none is named
 * @param targetRate the fraction of samples the run aims to train on ({@code ast.targetRate}), in (0, 1]
 * @param targetStart the first sparse epoch's target rate ({@code ast.targetStart}), in (0, 1], or NaN for a constant
 *     target
 * @param initialThreshold the gate's threshold before the first batch ({@code ast.initialThreshold}), finite
 * @param minActive the fallback size ({@code ast.minActive}): when fewer rows are chosen, this many random rows train
 *     instead, >= 1
 * @param exploration the probability that a row the gate left out trains anyway ({@code ast.exploration}), in [0, 1)
 * @param rescale whether explored rows are weighted by 1 / exploration ({@code ast.rescale}); needs exploration > 0
 * @param backwardBatch the rows of a pooled step ({@code ast.backwardBatch}), >= 0; 0: one step per batch
 * @param seed the run's random seed ({@code ast.seed})
 */
public record RunValues(String engine, String scorer, double targetRate, double targetStart, double initialThreshold,
        int minActive, double exploration, boolean rescale, int backwardBatch, long seed) {

    /** The fallback size {@link #of} uses, the configuration's default. */
    public static final int DEFAULT_MIN_ACTIVE = 2;

    /**
     * Validates every value; the message names the key, the bad value and what is allowed.
     *
     * @param engine the DJL engine, or empty (or null) for the default engine
     * @param scorer the run's scorer name, or empty (or null) when none is named
     * @param targetRate the fraction of samples to train on, in (0, 1]
     * @param targetStart the first sparse epoch's target rate, in (0, 1], or NaN for a constant target
     * @param initialThreshold the gate's threshold before the first batch, finite
     * @param minActive the fallback size, >= 1
     * @param exploration the exploration probability, in [0, 1)
     * @param rescale whether explored rows are weighted by 1 / exploration; needs exploration > 0
     * @param backwardBatch the rows of a pooled step, >= 0 (0: one step per batch)
     * @param seed the run's random seed
     */
    public RunValues {
        engine = Objects.requireNonNullElse(engine, "");
        scorer = Objects.requireNonNullElse(scorer, "");
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new ConfigurationException("ast.targetRate=" + targetRate + " is invalid; it must be in (0, 1]");
        }
        if (!Double.isNaN(targetStart) && !(targetStart > 0 && targetStart <= 1)) {
            throw new ConfigurationException("ast.targetStart=" + targetStart + " is invalid; it must be in (0, 1]");
        }
        if (!Double.isFinite(initialThreshold)) {
            throw new ConfigurationException("ast.initialThreshold=" + initialThreshold + " must be finite");
        }
        if (minActive < 1) {
            throw new ConfigurationException("ast.minActive=" + minActive + " must be >= 1");
        }
        if (!(exploration >= 0 && exploration < 1)) {
            throw new ConfigurationException("ast.exploration=" + exploration + " is invalid; it must be in [0, 1)");
        }
        if (rescale && exploration == 0) {
            throw new ConfigurationException("ast.rescale=true needs ast.exploration > 0: only explored samples are "
                    + "reweighted, by 1 / exploration");
        }
        if (backwardBatch < 0) {
            throw new ConfigurationException("ast.backwardBatch=" + backwardBatch + " is invalid; it must be >= 0 "
                    + "(0: one step per batch; n: pooled steps of n rows)");
        }
    }

    /**
     * Returns run values with a constant target and the configuration's defaults for the rest: the default engine, no
     * scorer named, a fallback of {@link #DEFAULT_MIN_ACTIVE} rows, no exploration or rescaling, one step per batch.
     *
     * @param targetRate the fraction of samples to train on, in (0, 1]
     * @param initialThreshold the gate's threshold before the first batch, finite
     * @param seed the run's random seed
     * @return the values
     */
    public static RunValues of(double targetRate, double initialThreshold, long seed) {
        return new RunValues("", "", targetRate, Double.NaN, initialThreshold, DEFAULT_MIN_ACTIVE, 0, false, 0, seed);
    }
}
