package io.github.ast.selection.policies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.AdjustableBatchSize;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.SelectionPolicyFactory;
import io.github.ast.api.spi.Settings;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Importance sampling that switches itself on only while it pays (Katharopoulos &amp; Fleuret, 2018): a batch of
 * {@code S} rows is a presample; {@code n = S / presample} rows are drawn from it with replacement, with probabilities
 * {@code p} mixing the scores and uniform, each weighted {@code 1/(S p)}, so that the step's gradient is an unbiased
 * estimate of the presample's mean gradient, with less variance. The uniform share bounds the weights by
 * {@code 1/mix}; {@code maxWeight} caps them further if asked, and {@code normalise} rescales them to mean 1 per step
 * (self-normalised: lower variance, but biased by O(1/n): 7% on 32 draws of a heavy-tailed presample in a simulation,
 * so off by default, as in the authors' code). The variance reduction is measured per presample as
 * {@code τ = 1/√(1 − ‖p − u‖²/‖p‖²) = √(S Σp²)}; scoring the presample costs a forward pass, so sampling by importance
 * is on only while an EMA of τ exceeds the measured price of scoring: the median time of a scored batch over that of
 * an unscored one ({@link SelectionPolicy#batchTime}), or {@code 1 + costRatio} when that is fixed. While off, the
 * policy trains {@code n} uniform rows of the batch with no scoring pass, and keeps τ current from the training
 * forward's free losses of those rows.
 *
 * <p>Its draws are pooled ({@code ast.backwardBatch} = b); give the dataset batches of {@code presample × b} rows,
 * so that every batch yields one full-size step. With a measured cost, the first {@value #PROBES} sparse batches of a
 * run are scored and the next {@value #PROBES} are not, so that both times are known before the switch decides; the
 * decisions then depend on the clock, so only a fixed {@code costRatio} makes a run repeat bit for bit.
 *
 * <p>With an {@link AdjustableBatchSize} data loader ({@link Loading}), the policy also resizes the batches: b rows
 * while the switch is off, all of which it trains (the sampler has drawn them uniformly, so fewer rows are loaded to
 * be dropped), and {@code presample × b} while it is on. A batch drawn before the switch changed trains as it came: a
 * small one whole and unscored, a presample by the rule of the moment. Start the sampler at {@code presample × b}
 * rows. Such a run cannot be checkpointed ({@link #resizesBatches}).
 */
public final class ImportancePolicy implements SelectionPolicy, SelectionPolicy.Unscored, SelectionPolicy.LearnsFromSteps,
        SelectionPolicy.Stateful, SelectionPolicy.ResizesBatches {

    private static final Logger LOG = LoggerFactory.getLogger(ImportancePolicy.class);

    /** Batches scored, then batches not scored, at a run's start when the cost is measured. */
    static final int PROBES = 4;
    /** Batch times the medians are taken over. */
    static final int TIMES = 16;
    /** Added to every score so that all-zero scores give uniform probabilities. */
    private static final float EPSILON = 1e-8f;

    /**
     * The policy's settings, validated here.
     *
     * @param presample presampled rows per drawn row, k > 1 (3)
     * @param mix the uniform distribution's share of the sampling probabilities, in [0, 1] (0.2: weights start at
     *     most 1/0.2 = 5)
     * @param momentum of τ's exponential moving average, in [0, 1)
     * @param maxWeight the cap on a drawn row's weight, >= 1
     * @param normalise whether the weights are rescaled to mean 1 per draw (self-normalised)
     * @param switching whether the pay-off switch may turn importance sampling off (false: always on)
     * @param costRatio a fixed price of scoring as (scored batch time / unscored batch time) − 1, >= 0; NaN to
     *     measure it
     */
    public record Options(double presample, double mix, double momentum, double maxWeight, boolean normalise,
            boolean switching, double costRatio) {

        /**
         * Checks every setting, naming its key.
         *
         * @param presample presampled rows per drawn row, finite and > 1
         * @param mix the uniform distribution's share of the sampling probabilities, in [0, 1]
         * @param momentum of τ's exponential moving average, in [0, 1)
         * @param maxWeight the cap on a drawn row's weight, finite and >= 1
         * @param normalise whether the weights are rescaled to mean 1 per draw
         * @param switching whether the pay-off switch may turn importance sampling off
         * @param costRatio a fixed price of scoring, finite and >= 0; NaN to measure it
         */
        public Options {
            require(presample > 1 && Double.isFinite(presample), "presample", presample, "it must be > 1");
            require(mix >= 0 && mix <= 1, "mix", mix, "it must be in [0, 1]");
            require(momentum >= 0 && momentum < 1, "momentum", momentum, "it must be in [0, 1)");
            require(maxWeight >= 1 && Double.isFinite(maxWeight), "maxWeight", maxWeight, "it must be >= 1");
            require(Double.isNaN(costRatio) || costRatio >= 0 && Double.isFinite(costRatio), "costRatio",
                    costRatio, "it must be 'measured' or a number >= 0");
        }

        private static void require(boolean valid, String key, double value, String rule) {
            if (!valid) {
                throw new ConfigurationException("ast.policy." + key + "=" + value + " is invalid; " + rule);
            }
        }
    }

    /**
     * A data loader the policy resizes, and the step's rows.
     *
     * @param sampler the training set's sampler
     * @param stepRows b, the rows of a step ({@code ast.backwardBatch}), >= 1
     */
    public record Loading(AdjustableBatchSize sampler, int stepRows) {

        /**
         * Checks the values.
         *
         * @param sampler the training set's sampler
         * @param stepRows b, >= 1
         */
        public Loading {
            Objects.requireNonNull(sampler, "sampler");
            if (stepRows < 1) {
                throw new IllegalArgumentException("stepRows=" + stepRows + " must be >= 1");
            }
        }

        /** Rows of a presample: presample × b, and more than b, so that it is told from a step's batch. */
        int presampleRows(double presample) {
            return Math.max(stepRows + 1, (int) Math.round(presample * stepRows));
        }
    }

    private final Scorer scorer;
    private final Options options;
    private final RunRandom random;
    private final Loading loading;
    private final RecentMedian scoredTimes = new RecentMedian(TIMES);
    private final RecentMedian unscoredTimes = new RecentMedian(TIMES);
    /** EMA of the variance reduction τ, NaN before the first measurement. */
    private double tau = Double.NaN;
    /** Sparse batches decided so far in the run, for the probes. */
    private long decisions;
    /** Whether the last batch trained uniform rows without scores (its trained losses then update τ). */
    private boolean unscored;
    /** Whether a batch of each kind was timed yet: the first of each kind is warm-up, not counted. */
    private boolean timedScored;
    private boolean timedUnscored;

    /**
     * Creates the policy.
     *
     * @param scorer what the probabilities follow; null for the per-sample loss itself
     * @param options the settings
     * @param random the run's generator, for the draws
     */
    public ImportancePolicy(Scorer scorer, Options options, RunRandom random) {
        this(scorer, options, random, null);
    }

    /**
     * Creates the policy with a data loader it resizes.
     *
     * @param scorer what the probabilities follow; null for the per-sample loss itself
     * @param options the settings
     * @param random the run's generator, for the draws
     * @param loading the loader and the step's rows, or null to take batches as they come
     */
    public ImportancePolicy(Scorer scorer, Options options, RunRandom random, Loading loading) {
        this.scorer = scorer;
        this.options = options;
        this.random = random;
        this.loading = loading;
    }

    @Override
    public Selection selectUnscored(int size, NDManager batchManager) {
        boolean on = importanceOn();
        decisions++;
        if (loading != null && on) {
            loading.sampler().setBatchSize(loading.presampleRows(options.presample()));
        } else {
            loadSteps();
        }
        boolean presampled = loading == null || size > loading.stepRows();
        unscored = !(on && presampled);
        if (!unscored) {
            return null;
        }
        if (!presampled) {
            return Selection.everyRow(size, batchManager);
        }
        int draws = draws(size);
        NDArray rows = random.uniform(batchManager, new Shape(size)).argSort()
                .get(new NDIndex("0:" + draws)).toType(DataType.INT64, false);
        return Selection.of(rows, draws, draws, false);
    }

    @Override
    public Selection select(PolicyBatch batch) {
        int size = batch.size();
        int draws = draws(size);
        NDManager batchManager = batch.manager();
        NDArray raw = (scorer == null ? batch.scoring().losses() : scorer.score(batch.scoring()))
                .toType(DataType.FLOAT32, false);
        NDArray p = probabilities(withSeenMean(raw.maximum(0f), batch.unseen()), options.mix());
        NDArray counts = p.cumSum(0).reshape(1, size).lt(random.uniform(batchManager, new Shape(draws, 1)))
                .toType(DataType.FLOAT32, false).sum(new int[] {1});
        // Rounding can leave the last cumulative probability just below a draw: such a draw takes the last row.
        NDArray rows = counts.minimum((float) (size - 1)).toType(DataType.INT64, false);
        NDArray unbiased = p.get(new NDIndex("{}", rows)).mul((float) size).pow(-1f);
        NDArray weights = (options.normalise() ? unbiased.mul((float) draws).div(unbiased.sum()) : unbiased)
                .minimum((float) options.maxWeight());
        // The raw scores' sum: clamping at 0 would hide a NaN on engines whose maximum drops it.
        float[] read = NDArrays.stack(new NDList(tau(p), raw.sum())).toFloatArray();
        if (!Double.isFinite(read[1])) {
            return Selection.skip("importance's scores are not finite (sum " + read[1] + ")");
        }
        observeTau(read[0]);
        return new Selection(rows, weights, draws, draws, false, options.maxWeight(), null);
    }

    @Override
    public void trained(NDArray losses) {
        if (unscored && losses.size() > 1) {
            float value = tau(probabilities(losses.toType(DataType.FLOAT32, false).maximum(0f), options.mix()))
                    .getFloat();
            if (Float.isFinite(value)) {
                observeTau(value);
            }
        }
    }

    @Override
    public void batchTime(boolean scored, long nanos) {
        if (scored) {
            if (timedScored) {
                scoredTimes.add(nanos);
            }
            timedScored = true;
        } else {
            if (timedUnscored) {
                unscoredTimes.add(nanos);
            }
            timedUnscored = true;
        }
    }

    @Override
    public boolean resizesBatches() {
        return loading != null;
    }

    /** Asks the loader, if there is one, for batches of one step's rows: for a caller that trains them all. */
    void loadSteps() {
        if (loading != null) {
            loading.sampler().setBatchSize(loading.stepRows());
        }
    }

    /** {@return the EMA of the variance reduction τ, NaN before the first batch} */
    public double tau() {
        return tau;
    }

    /**
     * Returns the τ above which importance sampling is on: {@code 1 + costRatio}, or the measured median time of a
     * scored batch over that of an unscored one (NaN until both were timed); NaN without the switch.
     */
    @Override
    public double threshold() {
        if (!options.switching()) {
            return Double.NaN;
        }
        if (!Double.isNaN(options.costRatio())) {
            return 1 + options.costRatio();
        }
        return scoredTimes.count() == 0 || unscoredTimes.count() == 0 ? Double.NaN
                : scoredTimes.median() / unscoredTimes.median();
    }

    private boolean importanceOn() {
        if (!options.switching()) {
            return true;
        }
        if (Double.isNaN(options.costRatio()) && decisions < 2L * PROBES) {
            return decisions < PROBES;
        }
        double threshold = threshold();
        boolean on = !Double.isNaN(tau) && !Double.isNaN(threshold) && tau > threshold;
        if (on == unscored && LOG.isDebugEnabled()) {
            LOG.debug(String.format(Locale.ROOT, "importance sampling %s: tau %.3f, threshold %.3f",
                    on ? "on" : "off", tau, threshold));
        }
        return on;
    }

    private void observeTau(double value) {
        tau = Double.isNaN(tau) ? value : options.momentum() * tau + (1 - options.momentum()) * value;
    }

    private int draws(int size) {
        return Math.max(1, (int) Math.round(size / options.presample()));
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
     * Returns the variance reduction of sampling by {@code p} over uniform sampling, {@code √(S Σp²)}: 1 for uniform
     * probabilities, larger as they concentrate.
     *
     * @param p probabilities, shape (S)
     * @return the scalar τ
     */
    static NDArray tau(NDArray p) {
        return p.square().sum().mul((float) p.size()).sqrt();
    }

    @Override
    public NDList exportState(NDManager scratch) {
        double[] scoredSaved = scoredTimes.toArray();
        double[] unscoredSaved = unscoredTimes.toArray();
        double[] state = new double[6 + scoredSaved.length + unscoredSaved.length];
        state[0] = tau;
        state[1] = decisions;
        state[2] = (unscored ? 1 : 0) + (timedScored ? 2 : 0) + (timedUnscored ? 4 : 0);
        state[3] = scoredSaved.length;
        state[4] = unscoredSaved.length;
        state[5] = TIMES;
        System.arraycopy(scoredSaved, 0, state, 6, scoredSaved.length);
        System.arraycopy(unscoredSaved, 0, state, 6 + scoredSaved.length, unscoredSaved.length);
        return new NDList(scratch.create(state));
    }

    @Override
    public void restoreState(NDList saved) {
        double[] state = saved.size() == 1 ? saved.get(0).toType(DataType.FLOAT64, false).toDoubleArray() : null;
        if (state == null || state.length < 6 || state.length != 6 + (int) state[3] + (int) state[4]) {
            throw new IllegalArgumentException("a saved importance state is one array of 6 values and two lists of "
                    + "batch times; got " + saved.size() + " arrays" + (state == null ? "" : " of " + state.length
                            + " values"));
        }
        tau = state[0];
        decisions = (long) state[1];
        int flags = (int) state[2];
        unscored = (flags & 1) != 0;
        timedScored = (flags & 2) != 0;
        timedUnscored = (flags & 4) != 0;
        int scoredCount = (int) state[3];
        scoredTimes.restore(java.util.Arrays.copyOfRange(state, 6, 6 + scoredCount));
        unscoredTimes.restore(java.util.Arrays.copyOfRange(state, 6 + scoredCount, state.length));
    }

    /**
     * Creates {@link ImportancePolicy} under the name {@code importance}. Settings: {@code presample} (3), {@code mix}
     * (0.2), {@code momentum} (0.9), {@code maxWeight} (5), {@code normalise} (false), {@code switch} (true),
     * {@code costRatio} ({@code measured} or a number), {@code score} ({@code loss}, or {@code scorer} for the run's
     * {@code ast.scorer}, say {@code gradnorm}). Needs {@code ast.backwardBatch}; resizes an
     * {@link AdjustableBatchSize} service's batches ({@link Loading}).
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "importance";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("presample", "mix", "momentum", "maxWeight", "normalise", "switch", "costRatio", "score");
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            Settings settings = context.settings();
            int backwardBatch = context.run().backwardBatch();
            double presample = settings.getDouble("presample", 3);
            if (backwardBatch < 1) {
                throw new ConfigurationException("ast.policy=importance draws rows into pooled steps: set "
                        + "ast.backwardBatch (b, the step's rows) and give the dataset batches of ast.policy.presample"
                        + " x b rows (" + presample + " x b); ast.backwardBatch is " + backwardBatch);
            }
            return create(context, presample, settings.getBoolean("switch", true));
        }

        /**
         * Creates the policy from a context's settings ({@code mix}, {@code momentum}, {@code maxWeight},
         * {@code normalise}, {@code costRatio}, {@code score}) with a given presample and switch, for policies
         * built on it ({@code auto}).
         */
        static ImportancePolicy create(PluginContext context, double presample, boolean switching) {
            Settings settings = context.settings();
            RunValues run = context.run();
            String score = settings.getString("score", "loss");
            if (!score.equals("loss") && !score.equals("scorer")) {
                throw new ConfigurationException("ast.policy.score='" + score + "' is unknown; use 'loss' (the "
                        + "per-sample loss) or 'scorer' (the run's ast.scorer, " + run.scorer() + ")");
            }
            String cost = settings.getString("costRatio", "measured");
            double costRatio = cost.equals("measured") ? Double.NaN : settings.getDouble("costRatio", Double.NaN);
            Options options = new Options(presample, settings.getDouble("mix", 0.2),
                    settings.getDouble("momentum", 0.9), settings.getDouble("maxWeight", 5),
                    settings.getBoolean("normalise", false), switching, costRatio);
            Loading loading = context.service(AdjustableBatchSize.class)
                    .map(sampler -> new Loading(sampler, run.backwardBatch())).orElse(null);
            return new ImportancePolicy(score.equals("scorer") ? Services.require(context, Scorer.class, "importance")
                    : null, options, context.random(), loading);
        }
    }
}
