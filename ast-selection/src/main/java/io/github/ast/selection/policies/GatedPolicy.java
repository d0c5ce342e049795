package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.Gate;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.SelectionPolicyFactory;
import java.util.Locale;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published system as a policy: the scorer's significance, the gate at the controller's threshold, optional
 * exploration below it (optionally reweighted by 1/p, capped at {@code ast.policy.maxWeight}: a 2% exploration
 * would otherwise weigh a row 50 times), unseen rows added, and a random fallback of
 * {@code ast.minActive} rows when fewer are chosen. The controller sees the gate's rate (exploration included) after
 * every accepted batch. At a constant target of 100% nothing can be skipped, so batches train whole, unscored.
 *
 * <p>One host read per batch: the gate, observed and chosen counts and the scores' sum (to catch non-finite ones).
 */
public final class GatedPolicy implements SelectionPolicy, SelectionPolicy.Unscored, SelectionPolicy.Seeded,
        SelectionPolicy.Stateful {

    private static final Logger LOG = LoggerFactory.getLogger(GatedPolicy.class);

    private final Scorer scorer;
    private final Gate gate;
    private final Controller controller;
    private final double exploration;
    private final boolean rescale;
    private final int minActive;
    private final double lowestTarget;
    private final double maxWeight;
    private final String scorerName;
    private final boolean everyRow;
    private final Random fallbackRandom;
    private final RunRandom random;
    /** The rate the controller sees once the last selection is accepted, and the batch's rows. */
    private double pendingRate = Double.NaN;
    private int pendingRows;
    private boolean sawFirstBatch;

    /**
     * Creates the policy.
     *
     * @param scorer the scorer
     * @param gate the gate
     * @param controller the controller moving the gate's threshold
     * @param exploration probability, in [0, 1), that a row the gate left out trains anyway
     * @param rescale weigh explored rows by 1 / exploration (needs exploration > 0)
     * @param minActive fallback size, >= 1
     * @param options the cap on an explored row's weight, and whether a constant 100% target is scored anyway
     * @param scorerName the scorer's configured name, for messages
     * @param seed the fallback generator's first seed
     * @param random the run's generator, for exploration's draws
     * @param fullTarget whether the target is a constant 100%: then every row trains, and batches are not scored
     *     unless the options ask to
     * @param lowestTarget the lowest target rate the run asks the controller to hold, to check against the fallback
     */
    public GatedPolicy(Scorer scorer, Gate gate, Controller controller, double exploration, boolean rescale,
            int minActive, Options options, String scorerName, long seed, RunRandom random, boolean fullTarget,
            double lowestTarget) {
        if (!(exploration >= 0 && exploration < 1)) {
            throw new ConfigurationException("ast.exploration=" + exploration + " is invalid; it must be in [0, 1)");
        }
        if (rescale && exploration == 0) {
            throw new ConfigurationException("ast.rescale=true needs ast.exploration > 0");
        }
        if (minActive < 1) {
            throw new ConfigurationException("ast.minActive=" + minActive + " must be >= 1");
        }
        this.scorer = scorer;
        this.gate = gate;
        this.controller = controller;
        this.exploration = exploration;
        this.rescale = rescale;
        this.minActive = minActive;
        this.maxWeight = options.maxWeight();
        this.scorerName = scorerName;
        this.fallbackRandom = new Random(seed);
        this.random = random;
        this.everyRow = fullTarget && !options.scoreAtFullTarget();
        this.lowestTarget = lowestTarget;
    }

    /**
     * At a constant target of 100% nothing can be skipped: the trainer trains whole batches, unscored.
     *
     * @return whether the target is a constant 100%
     */
    @Override
    public boolean trainsEveryRow() {
        return everyRow;
    }

    /** Always scores: the published system selects from a scoring pass, or trains whole batches at 100%. */
    @Override
    public Selection selectUnscored(int size, NDManager manager) {
        return null;
    }

    /**
     * Says why a target cannot be held on batches of some size, or null when it can: below {@code minActive} rows a
     * batch, the fallback trains {@code minActive} random rows on almost every batch instead of the gate's choice.
     * Checked on the first batch, the first time the batch size is known; a warning, since the run still trains.
     */
    static String unholdableTarget(double target, int size, int minActive) {
        if (size <= minActive || target * size >= minActive) {
            return null;
        }
        return String.format(Locale.ROOT, "A target rate of %s asks for %.2f of the first batch's %d rows, fewer than "
                + "ast.minActive=%d: the fallback will train %d random rows on almost every batch instead of the "
                + "gate's choice, so the rate cannot be held. Use a target of at least %.4f for batches of %d, larger "
                + "batches, or a smaller ast.minActive", target, target * size, size, minActive, minActive,
                (double) minActive / size, size);
    }

    @Override
    public Selection select(PolicyBatch batch) {
        int size = batch.size();
        if (!sawFirstBatch) { // only the first: a short last batch is no reason to warn
            if (size <= minActive) {
                LOG.warn("A batch of {} sample(s) is at or below ast.minActive={}: the fallback trains every sample "
                        + "of such a batch, so selection saves nothing on it and its scoring pass is extra cost. Use "
                        + "larger batches or a smaller ast.minActive", size, minActive);
            }
            String unholdable = unholdableTarget(lowestTarget, size, minActive);
            if (unholdable != null) {
                LOG.warn(unholdable);
            }
            sawFirstBatch = true;
        }
        NDManager manager = batch.manager();
        NDArray significance = scorer.score(batch.scoring());
        NDArray gated = gate.select(significance, controller.threshold());
        NDArray explored = exploration > 0
                ? random.uniform(manager, new Shape(size)).lt((float) exploration).logicalAnd(gated.logicalNot())
                : null;
        NDArray observed = explored == null ? gated : gated.logicalOr(explored);
        NDArray chosen = batch.withUnseen(observed);
        float[] counts = NDArrays.stack(new NDList(count(gated), count(observed), count(chosen),
                significance.sum().toType(DataType.FLOAT32, false))).toFloatArray();
        if (!Double.isFinite(counts[3])) {
            return Selection.skip("scorer '" + scorerName + "' produced non-finite scores (sum " + counts[3] + ")");
        }
        int gateActive = Math.round(counts[0]);
        boolean fallback = Math.round(counts[2]) < Math.min(minActive, size);
        NDArray rows = fallback ? randomRows(manager, size) : chosen.nonzero().reshape(-1);
        double weight = Math.min(1 / exploration, maxWeight);
        NDArray weights = rescale && !fallback ? weighted(explored, weight).get(new NDIndex("{}", rows)) : null;
        pendingRate = (double) Math.round(counts[1]) / size;
        pendingRows = size;
        return new Selection(rows, weights, Math.toIntExact(rows.size()), gateActive, fallback,
                weights == null ? 1 : weight, null);
    }

    @Override
    public void accept(Selection selection) {
        if (gate.usesThreshold()) {
            controller.update(pendingRate, pendingRows);
        }
    }

    /** {@return the gate's state when it keeps one}, else nothing: the controller's is checkpointed by the trainer */
    @Override
    public NDList exportState(NDManager scratch) {
        return gate instanceof Gate.Stateful stateful ? new NDList(scratch.create(stateful.state())) : new NDList();
    }

    @Override
    public void restoreState(NDList saved) {
        if (!(gate instanceof Gate.Stateful stateful) || saved.size() != 1) {
            throw new IllegalArgumentException("a saved gated policy state is its gate's, one array, and only for a "
                    + "gate that keeps state; got " + saved.size() + " arrays for " + gate.getClass().getSimpleName());
        }
        stateful.restore(saved.get(0).toDoubleArray());
    }

    @Override
    public void reseed(long seed) {
        fallbackRandom.setSeed(seed);
    }

    @Override
    public double threshold() {
        return controller.threshold();
    }

    /**
     * Returns InfoBatch's weights: 1 for rows the gate chose, {@code 1 / p} for rows kept by exploration with
     * probability {@code p}, so that each row's expected weight is 1.
     *
     * @param explored boolean mask of explored rows, shape (batch)
     * @param probability the exploration probability, in (0, 1)
     * @return float32 weights, shape (batch)
     */
    public static NDArray explorationWeights(NDArray explored, double probability) {
        return weighted(explored, 1 / probability);
    }

    /** Weight 1 for the gate's rows, {@code weight} for explored ones. */
    private static NDArray weighted(NDArray explored, double weight) {
        return explored.toType(DataType.FLOAT32, false).mul((float) (weight - 1)).add(1f);
    }

    private NDArray randomRows(NDManager manager, int size) {
        int count = Math.min(minActive, size);
        long[] rows = fallbackRandom.ints(0, size).distinct().limit(count).asLongStream().sorted().toArray();
        return manager.create(rows);
    }

    private static NDArray count(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).sum();
    }

    /**
     * The policy's settings.
     *
     * @param maxWeight the largest weight an explored row gets, finite and >= 1: {@code min(1/p, maxWeight)};
     *     unbiased when it is at least 1/p, bounded (and biased toward the gate's choice) below
     * @param scoreAtFullTarget whether batches are scored at a constant 100% target, where nothing can be skipped
     */
    public record Options(
            @Option(description = "cap on an explored row's weight (`ast.rescale=true`): min(1 / `ast.exploration`, "
                    + "maxWeight); a 2% exploration would otherwise weigh a row 50 times") double maxWeight,
            @Option(description = "at a constant `ast.targetRate=1` nothing can be skipped, so batches train "
                    + "unscored; `true` keeps the scoring pass (to measure the loop's overhead)")
            boolean scoreAtFullTarget) {

        /** A cap of 5; batches at a constant 100% target train unscored. */
        public static final Options DEFAULTS = new Options(5, false);

        /**
         * Validates the cap.
         *
         * @param maxWeight the largest weight an explored row gets, finite and >= 1
         * @param scoreAtFullTarget whether batches are scored at a constant 100% target
         */
        public Options {
            require(maxWeight >= 1 && Double.isFinite(maxWeight), "maxWeight", maxWeight, ">= 1");
        }
    }

    /**
     * Creates {@link GatedPolicy} under the name {@code gated}, the default: from the run's scorer, gate and
     * controller, the {@code ast.exploration}, {@code ast.rescale} and {@code ast.minActive} settings, and its own
     * {@link Options}.
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "gated";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            RunValues run = context.run();
            return new GatedPolicy(Services.require(context, Scorer.class, name()),
                    Services.require(context, Gate.class, name()), Services.require(context, Controller.class, name()),
                    run.exploration(), run.rescale(), run.minActive(), context.options(Options.class), run.scorer(),
                    run.seed(), context.random(), run.targetRate() >= 1 && Double.isNaN(run.targetStart()),
                    Double.isNaN(run.targetStart()) ? run.targetRate() : Math.min(run.targetRate(), run.targetStart()));
        }
    }
}
