package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.TrainingProgress;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;
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
 * {@link PruneSelection}), then Selective Backprop, which pays for a scoring pass ({@code sb@β}). Each is tried
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
        SelectionPolicy.EpochAware, SelectionPolicy.MeasuresProgress, SelectionPolicy.Stateful {

    private static final Logger LOG = LoggerFactory.getLogger(AutoPolicy.class);

    /** A way of training a batch other than every row. */
    sealed interface Candidate permits Prune, SelectiveBackprop {
        /** {@return the label in decisions and epoch lines} */
        String label();
    }

    /** InfoBatch-style pruning from the recorded losses, no scoring pass. */
    record Prune(PruneSelection selection) implements Candidate {
        @Override
        public String label() {
            return "prune@" + Options.number(selection.ratio());
        }
    }

    /** Selective Backprop on a fresh scoring pass's losses. */
    record SelectiveBackprop(SelectiveBackpropPolicy policy, double beta) implements Candidate {
        @Override
        public String label() {
            return "sb@" + Options.number(beta);
        }
    }

    private final List<Candidate> candidates;
    private final List<String> labels = new ArrayList<>();
    private final ProgressTrials trials;
    private final Options options;
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
    AutoPolicy(List<Candidate> candidates, Options options, TrainingProgress progress) {
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
        List<ProgressTrials.Outcome> outcomes = trials.outcomes();
        if (outcomes.size() > before) {
            LOG.info("auto: {}", trials.describe(outcomes.get(outcomes.size() - 1), labels));
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
        return candidates.stream().anyMatch(Prune.class::isInstance);
    }

    /**
     * Records the training forward's losses in the first epoch, and then only when a trial may start within an
     * epoch or a pruning trial is under way: pruning reads them then, and recording costs the plain step a per-sample
     * loss and an update.
     */
    @Override
    public boolean recordsHistory() {
        return trials.inTrial() ? trials.challengerIsAny(arm -> candidates.get(arm - 1) instanceof Prune)
                : keepsHistory() && !finalPhase && (firstEpochBatches == 0
                        || trials.batchesToNextTrial() <= firstEpochBatches);
    }

    @Override
    public boolean fromHistory() {
        return !(candidate() instanceof SelectiveBackprop);
    }

    @Override
    public Selection select(PolicyBatch batch) {
        Candidate candidate = candidate();
        return candidate instanceof Prune prune ? prune.selection().select(batch)
                : ((SelectiveBackprop) candidate).policy().select(batch);
    }

    @Override
    public void accept(Selection selection) {
        if (arm() > 0 && candidate() instanceof SelectiveBackprop sb) {
            sb.policy().accept(selection);
        }
    }

    private Candidate candidate() {
        int arm = arm();
        if (arm == 0) {
            throw new IllegalStateException("auto trains every row of this batch; it has no selection to make");
        }
        return candidates.get(arm - 1);
    }

    @Override
    public List<String> decisions() {
        return trials.outcomes().stream().map(o -> trials.describe(o, labels)).toList();
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
        candidates.stream().filter(SelectiveBackprop.class::isInstance)
                .forEach(c -> ((SelectiveBackprop) c).policy().start(runManager));
    }

    /** The trials' state, the epoch's counts, the first epoch's batches and the epoch, then each Selective Backprop
     * candidate's window. */
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
        candidates.stream().filter(SelectiveBackprop.class::isInstance)
                .forEach(c -> saved.addAll(((SelectiveBackprop) c).policy().exportState(scratch)));
        return saved;
    }

    @Override
    public void restoreState(NDList saved) {
        long sb = candidates.stream().filter(SelectiveBackprop.class::isInstance).count();
        if (saved.size() != 1 + sb) {
            throw new IllegalArgumentException("a saved auto state holds its trials and " + sb + " Selective "
                    + "Backprop windows; got " + saved.size() + " arrays");
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
        for (Candidate c : candidates) {
            if (c instanceof SelectiveBackprop s) {
                s.policy().restoreState(new NDList(saved.get(next++)));
            }
        }
    }

    /**
     * The policy's settings.
     *
     * @param finalFraction the run's last fraction trained on every row, in [0, 1)
     * @param candidates what to try against every row, cheapest first: {@code prune@r}, {@code sb@β}, or none
     * @param window batches per measured window, >= 1
     * @param holdout held-out rows measured, >= 16
     * @param margin how much faster a candidate's held-out progress must be to replace every row, >= 0
     * @param hold windows between trials, >= 0
     * @param park windows a losing candidate waits before its first retry, doubling with each loss, >= 1
     */
    public record Options(
            @Option(key = "final", description = "the run's last fraction (of `fit`'s epochs, or of a supplied "
                    + "`TrainingProgress`) trained on every row, no trials") double finalFraction,
            @Option(description = "what `auto` tries against every row, cheapest first, comma-separated: `prune@r` "
                    + "(InfoBatch's pruning of below-mean-loss rows with probability r, from the training forward's "
                    + "losses), `sb@beta` (Selective Backprop on a scoring pass); `none`: full-data training, nothing "
                    + "held out") String candidates,
            @Option(description = "batches per measured window; a trial runs 5 (every row and the candidate "
                    + "alternating)") int window,
            @Option(description = "rows measured for held-out progress: from the validation set given to `fit`, "
                    + "else set aside from the training set (they never train)") int holdout,
            @Option(description = "fraction by which a candidate's held-out progress per second must beat every "
                    + "row's to replace it") double margin,
            @Option(description = "windows between the end of a trial and the start of the next (a candidate in "
                    + "charge is checked against every row at each trial)") int hold,
            @Option(description = "windows a losing candidate waits before its first retry (doubling with each "
                    + "loss)") int park) {

        /** Every row in the last eighth; prune at 0.3 and 0.5, then Selective Backprop β 1; 200-batch windows. */
        public static final Options DEFAULTS = new Options(0.125, "prune@0.3,prune@0.5,sb@1", 200, 1024, 0.05, 20,
                20);

        /**
         * Validates the values.
         *
         * @param finalFraction the run's last fraction on every row, in [0, 1)
         * @param candidates the candidate list
         * @param window batches per window, >= 1
         * @param holdout held-out rows, >= 16
         * @param margin the switch margin, >= 0
         * @param hold windows between trials, >= 0
         * @param park windows parked after a first loss, >= 1
         */
        public Options {
            require(finalFraction >= 0 && finalFraction < 1, "final", finalFraction, "in [0, 1)");
            parse(candidates);
            require(window >= 1, "window", window, ">= 1");
            require(holdout >= 16, "holdout", holdout, ">= 16 rows");
            require(margin >= 0 && Double.isFinite(margin), "margin", margin, ">= 0");
            require(hold >= 0, "hold", hold, ">= 0");
            require(park >= 1, "park", park, ">= 1");
        }

        /**
         * Reads the candidate list.
         *
         * @return each candidate as (kind, value): ("prune", r) or ("sb", β)
         */
        List<double[]> parsed() {
            return parse(candidates);
        }

        private static List<double[]> parse(String list) {
            List<double[]> parsed = new ArrayList<>();
            if (list.strip().equals("none")) {
                return parsed;
            }
            for (String item : list.split(",")) {
                String entry = item.strip();
                int at = entry.indexOf('@');
                String kind = at < 0 ? entry : entry.substring(0, at);
                double value = Double.NaN;
                try {
                    value = at < 0 ? Double.NaN : Double.parseDouble(entry.substring(at + 1));
                } catch (NumberFormatException e) {
                    // reported below
                }
                boolean prune = kind.equals("prune") && value > 0 && value < 1;
                boolean sb = kind.equals("sb") && value > 0 && Double.isFinite(value);
                require(prune || sb, "candidates", list, "a comma-separated list of prune@r (r in (0, 1)) and "
                        + "sb@beta (beta > 0), or none; '" + entry + "' is neither");
                parsed.add(new double[] {prune ? 0 : 1, value});
            }
            return parsed;
        }

        static String number(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /**
     * Creates {@link AutoPolicy} under the name {@code auto}. Candidates train pooled steps, so they need
     * {@code ast.backwardBatch}; uses a {@link TrainingProgress} service when one is supplied.
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
            Options options = context.options(Options.class);
            List<Candidate> candidates = new ArrayList<>();
            for (double[] parsed : options.parsed()) {
                candidates.add(parsed[0] == 0 ? new Prune(new PruneSelection(parsed[1], context.random()))
                        : new SelectiveBackprop(new SelectiveBackpropPolicy(batch -> batch.losses(), parsed[1],
                                SelectiveBackpropPolicy.Options.DEFAULTS.window(), context.random()), parsed[1]));
            }
            if (!candidates.isEmpty() && context.run().backwardBatch() < 1) {
                throw new ConfigurationException("ast.policy=auto trains its candidates' rows in pooled full-size "
                        + "steps: set ast.backwardBatch to the batch size (or ast.policy.candidates=none for "
                        + "full-data training); ast.backwardBatch is " + context.run().backwardBatch());
            }
            return new AutoPolicy(candidates, options, context.service(TrainingProgress.class).orElse(null));
        }
    }
}
