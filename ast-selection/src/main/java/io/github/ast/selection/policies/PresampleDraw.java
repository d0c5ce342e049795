package io.github.ast.selection.policies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.RunRandom;

/**
 * Draws a step's {@code n = S / presample} rows from a presample of {@code S}: by importance, with replacement, with
 * probabilities {@code p} mixing the scores and uniform, each row weighted {@code 1/(S p)} so that the step's gradient
 * is an unbiased estimate of the presample's mean gradient (capped, and optionally rescaled to mean 1); or uniformly,
 * without replacement and unweighted, while importance sampling is off. Everything is computed on the engine.
 *
 * <p>Kept apart from the policy so that the arithmetic the estimate's unbiasedness rests on is in one place, with
 * τ, the measure of what it gains over uniform sampling.
 */
final class PresampleDraw {

    /** Added to every score so that all-zero scores give uniform probabilities. */
    private static final float EPSILON = 1e-8f;

    private final double presample;
    private final double mix;
    private final double maxWeight;
    private final boolean normalise;
    private final RunRandom random;

    /**
     * The rows drawn from a presample and their weights.
     *
     * @param rows the drawn rows, int64, shape (n); a row may repeat
     * @param weights their weights, float32, shape (n)
     * @param probabilities the sampling probabilities, shape (S), for τ
     */
    record Drawn(NDArray rows, NDArray weights, NDArray probabilities) {}

    /**
     * Creates the draw.
     *
     * @param presample presampled rows per drawn row, > 1
     * @param mix the uniform share of the probabilities, in [0, 1]
     * @param maxWeight the cap on a drawn row's weight, >= 1
     * @param normalise whether the weights are rescaled to mean 1 per draw (self-normalised)
     * @param random the run's generator
     */
    PresampleDraw(double presample, double mix, double maxWeight, boolean normalise, RunRandom random) {
        this.presample = presample;
        this.mix = mix;
        this.maxWeight = maxWeight;
        this.normalise = normalise;
        this.random = random;
    }

    /** Returns n, the rows drawn from a presample of {@code size} rows, at least 1. */
    int draws(int size) {
        return Math.max(1, (int) Math.round(size / presample));
    }

    /** Returns n distinct rows of a presample of {@code size}, drawn uniformly, int64. */
    NDArray uniform(int size, NDManager manager) {
        return random.uniform(manager, new Shape(size)).argSort().get(new NDIndex("0:" + draws(size)))
                .toType(DataType.INT64, false);
    }

    /**
     * Draws n rows by importance.
     *
     * @param raw the presample's float32 scores, shape (S); negative ones count as 0
     * @param unseen the rows the history never saw (placeholder scores), or null
     * @param size S, the presample's rows
     * @param manager the batch's manager
     * @return the rows, their weights and the probabilities
     */
    Drawn byImportance(NDArray raw, NDArray unseen, int size, NDManager manager) {
        int draws = draws(size);
        NDArray p = probabilities(withSeenMean(raw.maximum(0f), unseen), mix);
        NDArray counts = p.cumSum(0).reshape(1, size).lt(random.uniform(manager, new Shape(draws, 1)))
                .toType(DataType.FLOAT32, false).sum(new int[] {1});
        // Rounding can leave the last cumulative probability just below a draw: such a draw takes the last row.
        NDArray rows = counts.minimum((float) (size - 1)).toType(DataType.INT64, false);
        NDArray unbiased = p.get(new NDIndex("{}", rows)).mul((float) size).pow(-1f);
        NDArray weights = (normalise ? unbiased.mul((float) draws).div(unbiased.sum()) : unbiased)
                .minimum((float) maxWeight);
        return new Drawn(rows, weights, p);
    }

    /** Returns τ of the probabilities rows with these losses would be drawn with, as a scalar array. */
    NDArray tauOfLosses(NDArray losses) {
        return tau(probabilities(losses.toType(DataType.FLOAT32, false).maximum(0f), mix));
    }

    /** Rows the history never saw carry placeholder scores: they are drawn at the seen rows' mean score. */
    private static NDArray withSeenMean(NDArray scores, NDArray unseen) {
        if (unseen == null) {
            return scores;
        }
        NDArray seen = unseen.logicalNot().toType(DataType.FLOAT32, false);
        NDArray mean = scores.mul(seen).sum().div(seen.sum().maximum(1f));
        return NDArrays.where(unseen, mean.broadcast(scores.getShape()), scores);
    }

    /**
     * Returns sampling probabilities: {@code (1 − mix) s/Σs + mix/S}, uniform when every score is 0.
     *
     * @param scores non-negative float32 scores, shape (S)
     * @param mix the uniform share, in [0, 1]
     * @return the probabilities, summing to 1
     */
    static NDArray probabilities(NDArray scores, double mix) {
        long size = scores.size();
        NDArray shifted = scores.add(EPSILON);
        return shifted.div(shifted.sum()).mul((float) (1 - mix)).add((float) (mix / size));
    }

    /**
     * Returns the variance reduction of sampling by {@code p} over uniform sampling, {@code τ = √(S Σp²)}, which is
     * {@code 1/√(1 − ‖p − u‖²/‖p‖²)}: 1 for uniform probabilities, larger as they concentrate.
     *
     * @param p probabilities, shape (S)
     * @return the scalar τ
     */
    static NDArray tau(NDArray p) {
        return p.square().sum().mul((float) p.size()).sqrt();
    }
}
