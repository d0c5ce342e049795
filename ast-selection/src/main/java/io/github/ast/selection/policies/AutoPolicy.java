package io.github.ast.selection.policies;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.TrainingProgress;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;
import io.github.ast.selection.reference.IrreducibleLosses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selection a user can switch on without risk: it trains every row of every batch (the plain step, no scoring pass)
 * unless a candidate measurably makes faster held-out progress. The candidates, cheapest first: InfoBatch-style
 * pruning of well-learned rows from the losses the training forward recorded ({@code prune@r}, see
 * {@link PruneSelection}), then Selective Backprop, which pays for a scoring pass ({@code sb@β}), or the same on
 * RHO-LOSS's reducible loss when irreducible losses were computed beforehand ({@code rho@β}). Each is tried
 * against the incumbent in paired alternating windows on the held-out loss's fall per training second
 * ({@link ProgressTrials}); the trainer sets the held-out rows aside and measures them on the training clock. The
 * run's last {@code final} fraction trains every row. Each decision is logged at INFO and kept for the run report;
 * the epoch line says which arms trained.
 *
 * <p>With {@code ast.policy.candidates=none} nothing is held out or measured and every batch trains whole: full-data
 * training. Pruned and sampled rows train in pooled full-size steps ({@code ast.backwardBatch}). The run's progress
 * comes from a {@link TrainingProgress} service when one is supplied (a time budget), else from {@code fit}'s epochs.
 */
public final class AutoPolicy implements SelectionPolicy, SelectionPolicy.Unscored, SelectionPolicy.ScoresFromHistory,
        SelectionPolicy.EpochAware, SelectionPolicy.MeasuresProgress, SelectionPolicy.Stateful,
        SelectionPolicy.Prepared {

    private static final Logger LOG = LoggerFactory.getLogger(AutoPolicy.class);

    private final List<AutoCandidate> candidates;
    private final List<String> labels = new ArrayList<>();
    private final ProgressTrials trials;
    private final AutoOptions options;
    private final TrainingProgress progress;
    private final long[] epochBatches;
    private int epoch;
    private int epochs = -1;
    /** Sparse batches of the first epoch, once it ended: what an epoch of {@code fit} holds. */
    private long firstEpochBatches;
    private boolean finalPhase;

    /**
     * Creates the policy.
     *
     * @param candidates the ways to try, cheapest first; empty for full-data training
     * @param options the settings
     * @param progress the run's progress, or null to follow {@code fit}'s epochs
     */
    AutoPolicy(List<AutoCandidate> candidates, AutoOptions options, TrainingProgress progress) {
        this.candidates = List.copyOf(candidates);
        this.options = options;
        this.progress = progress;
        labels.add("all");
        candidates.forEach(c -> labels.add(c.label()));
        this.trials = new ProgressTrials(labels.size(), new ProgressTrials.Settings(options.window(),
                options.margin(), options.hold(), options.park()));
        this.epochBatches = new long[labels.size()];
    }

    /** Starts counting the epoch's arms, unless a checkpoint of this epoch restored its counts. */
    @Override
    public void startEpoch(int current, int total) {
        if (current != epoch) {
            Arrays.fill(epochBatches, 0);
        }
        if (current == 2 && firstEpochBatches == 0) {
            firstEpochBatches = trials.batches();
        }
        epoch = current;
        epochs = total;
    }

    @Override
    public int heldOutRows() {
        return candidates.isEmpty() ? 0 : options.holdout();
    }

    @Override
    public boolean measureNow() {
        if (!finalPhase && isFinalPhase()) {
            finalPhase = true;
            if (trials.inTrial()) {
                trials.abandon();
            }
            LOG.info("auto: every row from here on, the run's final {} (after {} trials)", options.finalFraction(),
                    trials.outcomes().size());
        }
        boolean measure = !finalPhase && !candidates.isEmpty() && trials.beforeBatch(this::eligible);
        epochBatches[arm()]++;
        return measure;
    }

    /**
     * A candidate is tried from the second epoch on (pruning needs every row's loss once, and the first epoch
     * tells how many batches an epoch has), and only when its trial can end before the final phase.
     */
    private boolean eligible(int arm) {
        return epoch >= 2 && trialFits();
    }

    private boolean trialFits() {
        long done = trials.batches();
        double total = progress != null && progress.fraction() > 0 ? done / progress.fraction()
                : epochs > 0 && epochs < Integer.MAX_VALUE ? (double) firstEpochBatches * epochs : Double.NaN;
        return Double.isNaN(total)
                || done + ProgressTrials.TRIAL_WINDOWS * options.window() <= (1 - options.finalFraction()) * total;
    }

    private boolean isFinalPhase() {
        double done = progress != null ? progress.fraction() : epochs > 0 ? (epoch - 1) / (double) epochs : 0;
        return options.finalFraction() > 0 && done >= 1 - options.finalFraction();
    }

    @Override
    public void measured(double loss) {
        int before = trials.outcomes().size();
        trials.measured(loss);
        List<TrialOutcome> outcomes = trials.outcomes();
        if (outcomes.size() > before) {
            LOG.info("auto: {}", outcomes.get(outcomes.size() - 1).describe(labels));
        }
    }

    @Override
    public void batchTrained(long nanos) {
        trials.trained(nanos);
    }

    private int arm() {
        return finalPhase ? 0 : trials.arm();
    }

    @Override
    public boolean trainsEveryRow() {
        return arm() == 0;
    }

    /** Every row is the plain DJL step: what full-data training costs, its figures read every few batches. */
    @Override
    public boolean plainSteps() {
        return true;
    }

    @Override
    public Selection selectUnscored(int size, NDManager manager) {
        return null; // a candidate's batch: scored from the history or by a scoring pass
    }

    @Override
    public boolean keepsHistory() {
        return candidates.stream().anyMatch(AutoCandidate::fromHistory);
    }

    /**
     * Records the training forward's losses in the first epoch, and then only when a trial may start within an
     * epoch or a pruning trial is under way: pruning reads them then, and recording costs the plain step a per-sample
     * loss and an update.
     */
    @Override
    public boolean recordsHistory() {
        return trials.inTrial() ? trials.challengerIsAny(arm -> candidates.get(arm - 1).fromHistory())
                : keepsHistory() && !finalPhase && (firstEpochBatches == 0
                        || trials.batchesToNextTrial() <= firstEpochBatches);
    }

    @Override
    public boolean fromHistory() {
        return candidate().fromHistory();
    }

    @Override
    public Selection select(PolicyBatch batch) {
        return candidate().select(batch);
    }

    @Override
    public void accept(Selection selection) {
        if (arm() > 0) {
            candidate().accept(selection);
        }
    }

    private AutoCandidate candidate() {
        int arm = arm();
        if (arm == 0) {
            throw new IllegalStateException("auto trains every row of this batch; it has no selection to make");
        }
        return candidates.get(arm - 1);
    }

    @Override
    public List<String> decisions() {
        return trials.outcomes().stream().map(o -> o.describe(labels)).toList();
    }

    /** {@return the share of the epoch's sparse batches each arm trained}, empty without candidates */
    @Override
    public String epochModes() {
        long total = Arrays.stream(epochBatches).sum();
        List<String> parts = new ArrayList<>();
        for (int arm = 0; arm < labels.size() && !candidates.isEmpty(); arm++) {
            if (epochBatches[arm] > 0) {
                parts.add(String.format(Locale.ROOT, "%s %.0f%%", labels.get(arm), 100.0 * epochBatches[arm] / total));
            }
        }
        return String.join(", ", parts);
    }

    @Override
    public void start(NDManager runManager) {
        candidates.forEach(c -> c.start(runManager));
    }

    /** Lets each candidate check what it was given beforehand against the training set. */
    @Override
    public PreparationWork prepare(Dataset trainingSet) throws IOException, TranslateException {
        for (AutoCandidate candidate : candidates) {
            candidate.prepare(trainingSet);
        }
        return PreparationWork.NONE;
    }

    /** The trials' state, the epoch's counts, the first epoch's batches and the epoch, then each candidate's. */
    @Override
    public NDList exportState(NDManager scratch) {
        double[] own = trials.export();
        double[] state = Arrays.copyOf(own, own.length + epochBatches.length + 3);
        for (int arm = 0; arm < epochBatches.length; arm++) {
            state[own.length + arm] = epochBatches[arm];
        }
        state[state.length - 3] = firstEpochBatches;
        state[state.length - 2] = epoch;
        state[state.length - 1] = finalPhase ? 1 : 0;
        NDList saved = new NDList(scratch.create(state));
        candidates.forEach(c -> saved.addAll(c.exportState(scratch)));
        return saved;
    }

    @Override
    public void restoreState(NDList saved) {
        int arrays = 1 + candidates.stream().mapToInt(AutoCandidate::stateArrays).sum();
        if (saved.size() != arrays) {
            throw new IllegalArgumentException("a saved auto state holds its trials and its candidates' states, "
                    + arrays + " arrays; got " + saved.size());
        }
        double[] state = saved.get(0).toDoubleArray();
        int own = state.length - epochBatches.length - 3;
        trials.restore(Arrays.copyOf(state, own));
        for (int arm = 0; arm < epochBatches.length; arm++) {
            epochBatches[arm] = (long) state[own + arm];
        }
        firstEpochBatches = (long) state[state.length - 3];
        epoch = (int) state[state.length - 2];
        finalPhase = state[state.length - 1] > 0;
        int next = 1;
        for (AutoCandidate c : candidates) {
            c.restoreState(saved.subNDList(next, next + c.stateArrays()));
            next += c.stateArrays();
        }
    }

    /**
     * Creates {@link AutoPolicy} under the name {@code auto}. Candidates train pooled steps, so they need
     * {@code ast.backwardBatch}; uses a {@link TrainingProgress} service when one is supplied, and an
     * {@link IrreducibleLosses} service for {@code rho@β}.
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "auto";
        }

        @Override
        public Class<AutoOptions> optionsType() {
            return AutoOptions.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            AutoOptions options = context.options(AutoOptions.class);
            List<AutoCandidate> candidates = AutoCandidate.all(options, context.random(),
                    context.service(IrreducibleLosses.class).orElse(null));
            if (!candidates.isEmpty() && context.run().backwardBatch() < 1) {
                throw new ConfigurationException("ast.policy=auto trains its candidates' rows in pooled full-size "
                        + "steps: set ast.backwardBatch to the batch size (or ast.policy.candidates=none for "
                        + "full-data training); ast.backwardBatch is " + context.run().backwardBatch());
            }
            return new AutoPolicy(candidates, options, context.service(TrainingProgress.class).orElse(null));
        }
    }
}
