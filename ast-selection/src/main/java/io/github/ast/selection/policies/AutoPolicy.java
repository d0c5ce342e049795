package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.ast.api.AdjustableBatchSize;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.TrainingProgress;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.RunValues;
import io.github.ast.api.spi.SelectionPolicyFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selection that a user can turn on without losing time: it trains a uniform random {@code ast.targetRate} of each
 * batch in full-size pooled steps (the random baseline, no scoring pass) and samples by importance only while its
 * measured pay-off test holds ({@link ImportancePolicy}: the variance reduction τ, kept current from the training
 * forward's free losses, against the measured price of a scoring pass); for the last {@code final} fraction of the
 * run it trains on everything. Each change of course is logged at INFO and kept in {@link #decisions()}.
 *
 * <p>With an {@link AdjustableBatchSize} data loader among its services, the uniform share is drawn by the sampler
 * instead: batches of b rows ({@code ast.backwardBatch}) trained whole, presamples only while importance sampling is
 * on, and b-row batches in the final phase (see {@link ImportancePolicy}), so fewer rows are loaded to be dropped.
 * Start the sampler at {@code b / ast.targetRate} rows.
 *
 * <p>The run's progress comes from a {@link TrainingProgress} service when the loop supplies one (a time budget),
 * else from {@code fit}'s epochs; a custom loop without either never enters the final phase.
 */
public final class AutoPolicy implements SelectionPolicy, SelectionPolicy.Unscored, SelectionPolicy.EpochAware,
        SelectionPolicy.LearnsFromSteps, SelectionPolicy.Stateful, SelectionPolicy.ResizesBatches {

    private static final Logger LOG = LoggerFactory.getLogger(AutoPolicy.class);

    /** What the policy does with a batch. */
    public enum Mode {
        /** A uniform random share of the rows, no scoring pass. */
        UNIFORM,
        /** Importance sampling from the scored batch. */
        IMPORTANCE,
        /** Every row, no scoring pass: the run's last fraction. */
        ALL
    }

    /**
     * One change of course.
     *
     * @param batch the sparse batch of the run (0-based) it applied from
     * @param mode the new mode
     * @param tau the variance reduction's EMA then
     * @param threshold the price of scoring then
     */
    public record Decision(long batch, Mode mode, double tau, double threshold) {}

    private final ImportancePolicy importance;
    private final double finalFraction;
    private final TrainingProgress progress;
    private final List<Decision> decisions = new ArrayList<>();
    private Mode mode;
    private long batches;
    private int epoch;
    private int epochs = -1;

    /**
     * Creates the policy.
     *
     * @param importance the importance sampler whose switch decides, drawing the target rate of each batch
     * @param finalFraction the run's last fraction trained on all data, in [0, 1)
     * @param progress the run's progress, or null to follow {@code fit}'s epochs
     */
    public AutoPolicy(ImportancePolicy importance, double finalFraction, TrainingProgress progress) {
        this.importance = importance;
        // the options record's check is the one place the rule is written
        this.finalFraction = new Options(finalFraction, ImportanceOptions.DEFAULTS).finalFraction();
        this.progress = progress;
    }

    @Override
    public void startEpoch(int current, int total) {
        epoch = current;
        epochs = total;
    }

    @Override
    public Selection selectUnscored(int size, NDManager manager) {
        Selection chosen;
        if (finalPhase()) {
            change(Mode.ALL);
            importance.loadSteps();
            chosen = Selection.everyRow(size, manager);
        } else {
            chosen = importance.selectUnscored(size, manager);
            change(chosen == null ? Mode.IMPORTANCE : Mode.UNIFORM);
        }
        batches++;
        return chosen;
    }

    private boolean finalPhase() {
        double done = progress != null ? progress.fraction() : epochs > 0 ? (epoch - 1) / (double) epochs : 0;
        return finalFraction > 0 && done >= 1 - finalFraction;
    }

    private void change(Mode next) {
        if (next != mode) {
            Decision decision = new Decision(batches, next, importance.tau(), importance.threshold());
            decisions.add(decision);
            LOG.info(String.format(Locale.ROOT, "auto: %s from batch %d (tau %.3f, price of scoring %.3f)",
                    next.name().toLowerCase(Locale.ROOT), batches, decision.tau(), decision.threshold()));
            mode = next;
        }
    }

    /** {@return every change of course so far, in order} */
    public List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    @Override
    public Selection select(PolicyBatch batch) {
        return importance.select(batch);
    }

    @Override
    public void trained(NDArray losses) {
        if (mode != Mode.ALL) {
            importance.trained(losses);
        }
    }

    @Override
    public void batchTime(boolean scored, long nanos) {
        if (mode != Mode.ALL) {
            importance.batchTime(scored, nanos);
        }
    }

    @Override
    public double threshold() {
        return importance.threshold();
    }

    @Override
    public boolean resizesBatches() {
        return importance.resizesBatches();
    }

    /** The importance sampler's state, then the batch count and the current mode. */
    @Override
    public NDList exportState(NDManager scratch) {
        NDList state = importance.exportState(scratch);
        state.add(scratch.create(new long[] {batches, mode == null ? -1 : mode.ordinal()}));
        return state;
    }

    @Override
    public void restoreState(NDList saved) {
        if (saved.size() != 2) {
            throw new IllegalArgumentException("a saved auto state holds the importance sampler's and its own; got "
                    + saved.size() + " arrays");
        }
        importance.restoreState(new NDList(saved.get(0)));
        long[] own = saved.get(1).toLongArray();
        batches = own[0];
        mode = own[1] < 0 ? null : Mode.values()[(int) own[1]];
    }

    /**
     * The policy's settings: its final phase and the importance sampler's shared settings.
     *
     * @param finalFraction the run's last fraction trained on all data, in [0, 1)
     * @param sampling the importance sampler's settings
     */
    public record Options(
            @Option(key = "final", description = "the run's last fraction (of `fit`'s epochs, or of a supplied "
                    + "`TrainingProgress`) trained on all data, unscored; before it, `auto` draws `ast.targetRate` "
                    + "(< 1) of each batch into pooled steps (`ast.backwardBatch` >= 1)") double finalFraction,
            ImportanceOptions sampling) {

        /** The last eighth on all data; the importance sampler's defaults. */
        public static final Options DEFAULTS = new Options(0.125, ImportanceOptions.DEFAULTS);

        /**
         * Checks the final fraction; the shared settings checked themselves.
         *
         * @param finalFraction the run's last fraction trained on all data, in [0, 1)
         * @param sampling the importance sampler's settings
         */
        public Options {
            require(finalFraction >= 0 && finalFraction < 1, "final", finalFraction, "in [0, 1)");
        }
    }

    /**
     * Creates {@link AutoPolicy} under the name {@code auto}, from its {@link Options}: it draws
     * {@code ast.targetRate} of each batch (an importance sampler with presample 1/rate, switch on, weights as drawn).
     * Uses a {@link TrainingProgress} service when one is supplied, and resizes an {@link AdjustableBatchSize}
     * service's batches. Needs {@code ast.backwardBatch}.
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "auto";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            RunValues run = context.run();
            if (run.backwardBatch() < 1) {
                throw new ConfigurationException("ast.policy=auto trains full-size pooled steps: set "
                        + "ast.backwardBatch (the step's rows); ast.backwardBatch is " + run.backwardBatch());
            }
            if (context.targetRate() >= 1) {
                throw new ConfigurationException("ast.policy=auto draws ast.targetRate of each batch, which must be "
                        + "below 1; it is " + context.targetRate());
            }
            Options options = context.options(Options.class);
            ImportancePolicy importance = ImportancePolicy.Factory.create(context,
                    new ImportancePolicy.Options(1 / context.targetRate(), options.sampling(), false, true));
            return new AutoPolicy(importance, options.finalFraction(),
                    context.service(TrainingProgress.class).orElse(null));
        }
    }
}
