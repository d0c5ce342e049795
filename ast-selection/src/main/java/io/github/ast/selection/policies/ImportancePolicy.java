package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.ast.api.AdjustableBatchSize;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;

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
 * an unscored one ({@link SelectionPolicy.LearnsFromSteps#batchTime}), or {@code 1 + costRatio} when that is fixed. While off, the
 * policy trains {@code n} uniform rows of the batch with no scoring pass, and keeps τ current from the training
 * forward's free losses of those rows.
 *
 * <p>Its draws are pooled ({@code ast.backwardBatch} = b); give the dataset batches of {@code presample × b} rows,
 * so that every batch yields one full-size step. With a measured cost, the first {@value PayoffSwitch#PROBES} sparse
 * batches of a run are scored and the next {@value PayoffSwitch#PROBES} are not, so that both times are known before
 * the switch decides; the decisions then depend on the clock, so only a fixed {@code costRatio} makes a run repeat
 * bit for bit. The switch is a {@code PayoffSwitch}, the drawing a {@code PresampleDraw}.
 *
 * <p>With an {@link AdjustableBatchSize} data loader ({@link PresampleLoading}), the policy also resizes the batches:
 * b rows while the switch is off, all of which it trains (the sampler has drawn them uniformly, so fewer rows are
 * loaded to be dropped), and {@code presample × b} while it is on. A batch drawn before the switch changed trains as
 * it came: a small one whole and unscored, a presample by the rule of the moment. Start the sampler at
 * {@code presample × b} rows. Such a run cannot be checkpointed ({@link #resizesBatches}).
 */
public final class ImportancePolicy implements SelectionPolicy, SelectionPolicy.Unscored, SelectionPolicy.LearnsFromSteps,
        SelectionPolicy.Stateful, SelectionPolicy.ResizesBatches {

    /**
     * The policy's settings: its own and those it shares with {@code auto}.
     *
     * @param presample presampled rows per drawn row, k > 1
     * @param sampling the uniform share, τ's momentum, the weights' cap, the price of scoring and what the
     *     probabilities follow
     * @param normalise whether the weights are rescaled to mean 1 per draw (self-normalised)
     * @param switching whether the pay-off switch may turn importance sampling off (false: always on)
     */
    public record Options(
            @Option(description = "presampled rows per drawn row, k > 1: each step draws 1/k of its batch, so give "
                    + "the dataset batches of k × `ast.backwardBatch` rows (`importance` needs `ast.backwardBatch` "
                    + ">= 1)") double presample,
            ImportanceOptions sampling,
            @Option(description = "rescale the weights to mean 1 per step (self-normalised: lower variance, but "
                    + "biased by O(1/n))") boolean normalise,
            @Option(key = "switch", description = "let the pay-off switch turn importance sampling off (training "
                    + "uniform rows, unscored) while τ does not pay for scoring; `false`: always on")
            boolean switching) {

        /** Presample 3, the shared defaults, weights as drawn, the switch on. */
        public static final Options DEFAULTS = new Options(3, ImportanceOptions.DEFAULTS, false, true);

        /**
         * Checks the presample; the shared settings checked themselves.
         *
         * @param presample presampled rows per drawn row, finite and > 1
         * @param sampling the settings shared with {@code auto}
         * @param normalise whether the weights are rescaled to mean 1 per draw
         * @param switching whether the pay-off switch may turn importance sampling off
         */
        public Options {
            require(presample > 1 && Double.isFinite(presample), "presample", presample, "> 1");
        }
    }

    private final Scorer scorer;
    private final Options options;
    private final PresampleDraw draw;
    private final PayoffSwitch payoff;
    private final PresampleLoading loading;

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
    public ImportancePolicy(Scorer scorer, Options options, RunRandom random, PresampleLoading loading) {
        ImportanceOptions sampling = options.sampling();
        this.scorer = scorer;
        this.options = options;
        this.draw = new PresampleDraw(options.presample(), sampling.mix(), sampling.maxWeight(), options.normalise(),
                random);
        this.payoff = new PayoffSwitch(options.switching(), sampling.fixedCostRatio(), sampling.momentum());
        this.loading = loading;
    }

    @Override
    public Selection selectUnscored(int size, NDManager batchManager) {
        boolean on = payoff.decide();
        if (loading != null && on) {
            loading.loadPresamples(options.presample());
        } else {
            loadSteps();
        }
        boolean presampled = loading == null || loading.isPresample(size);
        boolean unscored = !(on && presampled);
        payoff.settle(unscored);
        if (!unscored) {
            return null;
        }
        if (!presampled) {
            return Selection.everyRow(size, batchManager);
        }
        int draws = draw.draws(size);
        return Selection.of(draw.uniform(size, batchManager), draws, draws, false);
    }

    @Override
    public Selection select(PolicyBatch batch) {
        int size = batch.size();
        int draws = draw.draws(size);
        NDArray raw = (scorer == null ? batch.scoring().losses() : scorer.score(batch.scoring()))
                .toType(DataType.FLOAT32, false);
        PresampleDraw.Drawn drawn = draw.byImportance(raw, batch.unseen(), size, batch.manager());
        // The raw scores' sum: clamping at 0 would hide a NaN on engines whose maximum drops it.
        float[] read = NDArrays.stack(new NDList(PresampleDraw.tau(drawn.probabilities()), raw.sum()))
                .toFloatArray();
        if (!Double.isFinite(read[1])) {
            return Selection.skip("importance's scores are not finite (sum " + read[1] + ")");
        }
        payoff.observe(read[0]);
        return new Selection(drawn.rows(), drawn.weights(), draws, draws, false, options.sampling().maxWeight(),
                null);
    }

    @Override
    public void trained(NDArray losses) {
        if (payoff.unscored() && losses.size() > 1) {
            float value = draw.tauOfLosses(losses).getFloat();
            if (Float.isFinite(value)) {
                payoff.observe(value);
            }
        }
    }

    @Override
    public void batchTime(boolean scored, long nanos) {
        payoff.batchTime(scored, nanos);
    }

    @Override
    public boolean resizesBatches() {
        return loading != null;
    }

    /** Asks the loader, if there is one, for batches of one step's rows: for a caller that trains them all. */
    void loadSteps() {
        if (loading != null) {
            loading.loadSteps();
        }
    }

    /** {@return the EMA of the variance reduction τ, NaN before the first batch} */
    public double tau() {
        return payoff.tau();
    }

    /**
     * Returns the τ above which importance sampling is on: {@code 1 + costRatio}, or the measured median time of a
     * scored batch over that of an unscored one (NaN until both were timed); NaN without the switch.
     */
    @Override
    public double threshold() {
        return payoff.threshold();
    }

    @Override
    public NDList exportState(NDManager scratch) {
        return new NDList(scratch.create(payoff.state()));
    }

    @Override
    public void restoreState(NDList saved) {
        double[] state = saved.size() == 1 ? saved.get(0).toType(DataType.FLOAT64, false).toDoubleArray() : null;
        if (state == null || !PayoffSwitch.isState(state)) {
            throw new IllegalArgumentException("a saved importance state is one array of 6 values and two lists of "
                    + "batch times; got " + saved.size() + " arrays" + (state == null ? "" : " of " + state.length
                            + " values"));
        }
        payoff.restore(state);
    }

    /**
     * Creates {@link ImportancePolicy} under the name {@code importance}, from its {@link Options}. Needs
     * {@code ast.backwardBatch}; resizes an {@link AdjustableBatchSize} service's batches ({@link PresampleLoading}).
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "importance";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            Options options = context.options(Options.class);
            int backwardBatch = context.run().backwardBatch();
            if (backwardBatch < 1) {
                throw new ConfigurationException("ast.policy=importance draws rows into pooled steps: set "
                        + "ast.backwardBatch (b, the step's rows) and give the dataset batches of ast.policy.presample"
                        + " x b rows (" + options.presample() + " x b); ast.backwardBatch is " + backwardBatch);
            }
            return create(context, options);
        }

        /**
         * Creates the policy with the run's scorer if the options ask for it and the run's loader if it has one,
         * also for policies built on it ({@code auto}).
         */
        static ImportancePolicy create(PluginContext context, Options options) {
            PresampleLoading loading = context.service(AdjustableBatchSize.class)
                    .map(sampler -> new PresampleLoading(sampler, context.run().backwardBatch())).orElse(null);
            Scorer scorer = options.sampling().score() == ImportanceOptions.Score.SCORER
                    ? Services.require(context, Scorer.class, "importance") : null;
            return new ImportancePolicy(scorer, options, context.random(), loading);
        }
    }
}
