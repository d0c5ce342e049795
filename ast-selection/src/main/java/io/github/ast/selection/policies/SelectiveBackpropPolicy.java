package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;

/**
 * Selective Backprop (Jiang et al., 2019): each row trains with probability {@code CDF(score)^β}, the CDF taken over
 * the last {@code window} scores seen (this batch's included), so that high-loss rows train almost surely and
 * low-loss ones sometimes: soft pressure instead of a hard top-k. The expected kept fraction is {@code 1/(β+1)}
 * (β 1: half, 2: a third). Meant to be pooled ({@code ast.backwardBatch}) so that kept rows still train in
 * full-size steps, and to rank by loss ({@code ast.scorer=loss}); with {@code ast.selection=stale} it is StaleSB.
 *
 * <p>The window lives on the engine (the last scores, unfilled slots and unseen rows NaN); the host reads two counts
 * and the scores' sum per batch.
 */
public final class SelectiveBackpropPolicy implements SelectionPolicy, SelectionPolicy.Stateful {

    private final Scorer scorer;
    private final double beta;
    private final int window;
    private final RunRandom random;
    private NDManager manager;
    /** The last {@code window} scores, oldest first, NaN where not yet filled; on {@link #manager}. */
    private NDArray recent;
    /** The window with the last selected batch's scores, on that batch's manager until {@link #accept}. */
    private NDArray pending;

    /**
     * Creates the policy.
     *
     * @param scorer ranks the rows (the loss, in the paper)
     * @param beta selectivity, finite and > 0
     * @param window scores the CDF is taken over, >= 1
     * @param random the run's generator, for the keep draws
     */
    public SelectiveBackpropPolicy(Scorer scorer, double beta, int window, RunRandom random) {
        Options checked = new Options(beta, window); // the one place the rules are written
        this.scorer = scorer;
        this.beta = checked.beta();
        this.window = checked.window();
        this.random = random;
    }

    @Override
    public void start(NDManager runManager) {
        manager = runManager;
        recent = manager.full(new Shape(window), Float.NaN);
        pending = null;
    }

    @Override
    public Selection select(PolicyBatch batch) {
        if (manager == null) {
            throw new IllegalStateException("start(runManager) was not called before the first batch");
        }
        int size = batch.size();
        NDManager batchManager = batch.manager();
        NDArray scores = scorer.score(batch.scoring()).toType(DataType.FLOAT32, false);
        // Rows the history never saw carry placeholder scores: they train, but stay out of the window.
        NDArray remembered = batch.unseen() == null ? scores
                : NDArrays.where(batch.unseen(), batchManager.full(new Shape(size), Float.NaN), scores);
        // Work on a copy owned by the batch, so that intermediate arrays are freed with it.
        NDArray previous = recent.duplicate();
        previous.attach(batchManager);
        NDArray updated = previous.concat(remembered).get(new NDIndex(size + ":")).duplicate();
        NDArray filled = updated.isNaN().logicalNot().toType(DataType.FLOAT32, false).sum().maximum(1f);
        NDArray cdf = updated.reshape(1, window).lte(scores.reshape(size, 1)).toType(DataType.FLOAT32, false)
                .sum(new int[] {1}).div(filled);
        NDArray keep = random.uniform(batchManager, new Shape(size)).lt(cdf.pow((float) beta));
        NDArray chosen = batch.withUnseen(keep);
        float[] counts = NDArrays.stack(new NDList(count(keep), count(chosen), scores.sum())).toFloatArray();
        if (!Double.isFinite(counts[2])) {
            return Selection.skip("selective-backprop's scores are not finite (sum " + counts[2] + ")");
        }
        pending = updated;
        NDArray rows = chosen.nonzero().reshape(-1);
        return Selection.of(rows, Math.round(counts[1]), Math.round(counts[0]), false);
    }

    /** The batch's scores join the window once its rows are accepted; a skipped step leaves the window as it was. */
    @Override
    public void accept(Selection selection) {
        if (pending != null) {
            pending.attach(manager);
            recent.close();
            recent = pending;
            pending = null;
        }
    }

    @Override
    public NDList exportState(NDManager scratch) {
        return new NDList(recent);
    }

    @Override
    public void restoreState(NDList saved) {
        if (saved.size() != 1 || saved.get(0).size() != window) {
            throw new IllegalArgumentException("a saved selective-backprop state holds a window of " + window
                    + " scores; got " + saved.size() + " arrays" + (saved.isEmpty() ? "" : " of "
                            + saved.get(0).size() + " values"));
        }
        NDArray copy = saved.get(0).toType(DataType.FLOAT32, false).duplicate();
        copy.attach(manager);
        recent.close();
        recent = copy;
    }

    private static NDArray count(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).sum();
    }

    /**
     * The keep probability's settings, which RHO-LOSS's soft mode shares.
     *
     * @param beta selectivity, finite and > 0
     * @param window scores the CDF is taken over, >= 1
     */
    public record Options(
            @Option(description = "selectivity β: a row trains with probability CDF(score)^β, keeping 1/(β+1) of "
                    + "the rows (β 1: half, 2: a third)") double beta,
            @Option(description = "the last scores the CDF is taken over") int window) {

        /** β 1 (half the rows) over the last 1024 scores. */
        public static final Options DEFAULTS = new Options(1, 1024);

        /**
         * Validates the values.
         *
         * @param beta selectivity, finite and > 0
         * @param window scores the CDF is taken over, >= 1
         */
        public Options {
            require(beta > 0 && Double.isFinite(beta), "beta", beta, "> 0");
            require(window >= 1, "window", window, ">= 1");
        }
    }

    /** Creates {@link SelectiveBackpropPolicy} under the name {@code selective-backprop}. */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "selective-backprop";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            Scorer scorer = Services.require(context, Scorer.class, name());
            Options options = context.options(Options.class);
            return new SelectiveBackpropPolicy(scorer, options.beta(), options.window(), context.random());
        }
    }
}
