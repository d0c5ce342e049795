package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;
import io.github.ast.selection.reference.IrreducibleLosses;
import io.github.ast.selection.reference.ReferenceTraining;
import java.io.IOException;
import java.util.Locale;

/**
 * RHO-LOSS (Mindermann et al., 2022), complete: before the first batch it trains a reference model on held-out data
 * ({@link ReferenceTraining}, cross-fitted) and tabulates every sample's irreducible loss; each batch then selects on
 * reducible loss, the training loss (fresh or stale) minus the table's entry, either softly (Selective Backprop's
 * keep probability CDF^β over the last {@code window} reducible losses) or as the top {@code ast.targetRate} of
 * each batch. High loss alone favours mislabelled samples; subtracting what a model that never saw them still gets
 * wrong leaves the learnable ones. The reference's training and scoring count in the run's first epoch.
 */
public final class RhoLossPolicy implements SelectionPolicy, SelectionPolicy.Prepared, SelectionPolicy.Stateful {

    /** How rows are chosen from their reducible losses. */
    public enum Mode {
        /** Selective Backprop's soft pressure on reducible loss. */
        SOFT,
        /** The paper's hard choice: the largest reducible losses, a fixed fraction of each batch. */
        TOP_K
    }

    private final ReferenceTraining recipe;
    private final String engine;
    private final Mode mode;
    private final double rate;
    private final SelectiveBackpropPolicy soft;
    private final boolean randomScores;
    private final RunRandom random;
    private IrreducibleLosses table;
    private NDManager manager;
    private NDArray onEngine;

    /**
     * Creates the policy.
     *
     * @param recipe how the reference model is trained; null when the table is supplied
     * @param engine the engine's name for the reference model, null for the default
     * @param mode soft or top-k
     * @param rate the fraction of each batch top-k keeps, in (0, 1]
     * @param beta soft mode's selectivity, > 0
     * @param window soft mode's window of recent reducible losses, >= 1
     * @param randomScores the ablation: the same reference training, but uniform random numbers select instead of
     *     reducible losses
     * @param random the run's generator, for the soft mode's and the ablation's draws
     */
    public RhoLossPolicy(ReferenceTraining recipe, String engine, Mode mode, double rate, double beta, int window,
            boolean randomScores, RunRandom random) {
        if (!(rate > 0 && rate <= 1)) {
            throw new ConfigurationException("rho-loss's top-k rate (ast.targetRate) " + rate + " must be in (0, 1]");
        }
        this.recipe = recipe;
        this.engine = engine;
        this.mode = mode;
        this.rate = rate;
        this.soft = new SelectiveBackpropPolicy(ScoringBatch::losses, beta, window, random);
        this.randomScores = randomScores;
        this.random = random;
    }

    /** Builds the table for this training set, unless the one held has its size already. */
    @Override
    public PreparationWork prepare(Dataset trainingSet) throws IOException, TranslateException {
        if (!(trainingSet instanceof RandomAccessDataset data)) {
            throw new ConfigurationException("rho-loss keeps an irreducible loss per dataset index and needs a "
                    + "RandomAccessDataset (ArrayDataset ...); got " + trainingSet.getClass().getName());
        }
        if (table != null && table.size() == data.size()) {
            return PreparationWork.NONE;
        }
        if (recipe == null) {
            throw new ConfigurationException("rho-loss was given " + (table == null ? "no irreducible losses"
                    : "irreducible losses for " + table.size() + " samples") + " but trains on " + data.size()
                    + ", and has no ReferenceTraining to build them");
        }
        table = recipe.build(data, engine);
        copyToEngine();
        return table.cost();
    }

    @Override
    public void start(NDManager runManager) {
        manager = runManager;
        soft.start(runManager);
        onEngine = null;
        copyToEngine();
    }

    private void copyToEngine() {
        if (manager != null && table != null) {
            if (onEngine != null) {
                onEngine.close();
            }
            onEngine = table.toEngine(manager);
        }
    }

    /**
     * Uses a table computed beforehand, so that {@link #prepare} on a training set of its size builds nothing; what
     * it cost is then the caller's to report.
     *
     * @param computed the irreducible losses, by dataset index
     */
    public void useTable(IrreducibleLosses computed) {
        table = computed;
        copyToEngine();
    }

    /** {@return the table, null before {@link #prepare}} */
    public IrreducibleLosses table() {
        return table;
    }

    @Override
    public Selection select(PolicyBatch batch) {
        if (onEngine == null) {
            throw new IllegalStateException("rho-loss has no irreducible losses yet: fit prepares them, and custom "
                    + "loops call startEpoch(trainer, trainingSet, epoch) first");
        }
        if (batch.indices() == null) {
            throw new ConfigurationException("rho-loss looks up each row's irreducible loss by dataset index, but the"
                    + " batches carry none: train on a RandomAccessDataset (ArrayDataset ...)");
        }
        ScoringBatch scoring = batch.scoring();
        NDArray reducible = scoring.losses().toType(DataType.FLOAT32, false)
                .sub(onEngine.get(new NDIndex("{}", batch.indices())));
        if (randomScores) {
            reducible = random.uniform(batch.manager(), reducible.getShape());
        }
        if (mode == Mode.SOFT) {
            return soft.select(new PolicyBatch(new ScoringBatch(scoring.data(), scoring.labels(), scoring.outputs(),
                    reducible), batch.unseen(), batch.indices()));
        }
        int size = batch.size();
        int keep = Math.max(1, (int) Math.round(rate * size));
        NDArray top = reducible.argSort(0, false).argSort(0, true).lt(keep);
        NDArray chosen = batch.withUnseen(top);
        float[] read = NDArrays.stack(new NDList(chosen.toType(DataType.FLOAT32, false).sum(), reducible.sum()))
                .toFloatArray();
        if (!Double.isFinite(read[1])) {
            return Selection.skip(String.format(Locale.ROOT, "rho-loss's reducible losses are not finite (sum %s)",
                    read[1]));
        }
        return Selection.of(chosen.nonzero().reshape(-1), Math.round(read[0]), keep, false);
    }

    @Override
    public void accept(Selection selection) {
        if (mode == Mode.SOFT) {
            soft.accept(selection);
        }
    }

    /** The table (so that a resumed run need not train the reference again) and soft mode's window. */
    @Override
    public NDList exportState(NDManager scratch) {
        NDList state = new NDList();
        state.add(table == null ? scratch.create(new float[0]) : table.toEngine(scratch));
        state.addAll(soft.exportState(scratch));
        return state;
    }

    @Override
    public void restoreState(NDList saved) {
        if (saved.size() != 2) {
            throw new IllegalArgumentException("a saved rho-loss state holds the table and a window; got "
                    + saved.size() + " arrays");
        }
        float[] losses = saved.get(0).toType(DataType.FLOAT32, false).toFloatArray();
        table = losses.length == 0 ? null : IrreducibleLosses.restored(losses);
        copyToEngine();
        soft.restoreState(saved.subNDList(1));
    }

    /**
     * The policy's settings.
     *
     * @param mode soft or top-k
     * @param soft soft mode's keep probability, Selective Backprop's on reducible losses
     * @param randomScores the ablation: uniform random numbers select instead of reducible losses
     * @param referenceEpochs epochs each reference model trains, >= 1; 0 when not set: the recipe's own
     */
    public record Options(
            @Option(description = "`soft`: Selective Backprop's keep probability CDF^β over the last `window` "
                    + "reducible losses; `top-k`: the largest reducible losses, `ast.targetRate` of each batch")
            Mode mode,
            SelectiveBackpropPolicy.Options soft,
            @Option(description = "the ablation: the same reference training, but uniform random numbers select "
                    + "instead of reducible losses") boolean randomScores,
            @Option(description = "epochs each reference model trains over its held-out share, >= 1; not set "
                    + "(shown as 0): the `ReferenceTraining` recipe's own") int referenceEpochs) {

        /** What a written {@code referenceEpochs} must be, completing "it must be ...". */
        static final String EPOCHS_ALLOWED = ">= 1 (epochs each reference model trains over its held-out share)";

        /** Soft mode, Selective Backprop's defaults, reducible losses, the recipe's epochs. */
        public static final Options DEFAULTS = new Options(Mode.SOFT, SelectiveBackpropPolicy.Options.DEFAULTS, false,
                0);

        /**
         * Validates the epochs; 0 stands for "not set", which the factory tells apart from a written 0.
         *
         * @param mode soft or top-k
         * @param soft soft mode's keep probability
         * @param randomScores the ablation
         * @param referenceEpochs epochs each reference model trains, >= 1, or 0 for the recipe's own
         */
        public Options {
            require(referenceEpochs >= 0, "referenceEpochs", referenceEpochs, EPOCHS_ALLOWED);
        }
    }

    /**
     * Creates {@link RhoLossPolicy} under the name {@code rho-loss}, from its {@link Options}; top-k keeps
     * {@code ast.targetRate}. Needs a {@link ReferenceTraining} among the services, or {@link IrreducibleLosses}
     * computed beforehand (then their cost is the caller's to report, not the run's).
     */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "rho-loss";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            Options options = context.options(Options.class);
            if (options.referenceEpochs() == 0 && context.settings().keys().contains("referenceEpochs")) {
                // 0 is the record's stand-in for "not set"; written, it is refused as any value below 1
                throw new ConfigurationException(context.settings().prefix() + "referenceEpochs=0 is invalid; it "
                        + "must be " + Options.EPOCHS_ALLOWED);
            }
            IrreducibleLosses supplied = context.service(IrreducibleLosses.class).orElse(null);
            ReferenceTraining recipe = context.service(ReferenceTraining.class).orElse(null);
            if (recipe == null && supplied == null) {
                throw new ConfigurationException("policy 'rho-loss' trains a reference model and needs its recipe:"
                        + " AdaptiveSparseTraining.builder(config).service(ReferenceTraining.class, "
                        + "ReferenceTraining.builder(network, inputShape).build()), or a table computed beforehand "
                        + "as .service(IrreducibleLosses.class, recipe.build(trainingSet, engine))");
            }
            if (recipe != null && options.referenceEpochs() > 0) {
                recipe = recipe.withEpochs(options.referenceEpochs());
            }
            String engine = context.run().engine();
            RhoLossPolicy policy = new RhoLossPolicy(recipe, engine.isEmpty() ? null : engine, options.mode(),
                    context.targetRate(), options.soft().beta(), options.soft().window(), options.randomScores(),
                    context.random());
            if (supplied != null) {
                policy.useTable(supplied);
            }
            return policy;
        }
    }
}
