package io.github.ast.selection.policies;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.selection.reference.IrreducibleLosses;
import java.io.IOException;
import java.util.List;

/** A way of training a batch other than every row, which {@link AutoPolicy} tries against every row. */
sealed interface AutoCandidate permits AutoCandidate.Prune, AutoCandidate.ScoringPass {

    /** {@return the label in decisions and epoch lines} */
    String label();

    /** {@return whether it selects from the losses the training forward recorded}, rather than a scoring pass */
    boolean fromHistory();

    /** {@return the batch's rows to train} */
    Selection select(PolicyBatch batch);

    /** Takes note that a selection it made will train. */
    default void accept(Selection selection) {}

    /**
     * Checks what it built beforehand against the run's training set; see {@code SelectionPolicy.Prepared}.
     *
     * @param trainingSet the run's training data
     * @return what preparing cost
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the data cannot be batched
     */
    default PreparationWork prepare(Dataset trainingSet) throws IOException, TranslateException {
        return PreparationWork.NONE;
    }

    /** Gives it a manager for the arrays it keeps; see {@code SelectionPolicy.Stateful#start}. */
    default void start(NDManager runManager) {}

    /** {@return how many arrays {@link #exportState} gives} */
    default int stateArrays() {
        return 0;
    }

    /** {@return what a checkpoint carries for it}, {@link #stateArrays} arrays */
    default NDList exportState(NDManager scratch) {
        return new NDList();
    }

    /** Restores what {@link #exportState} gave. */
    default void restoreState(NDList saved) {}

    /**
     * Creates the candidates a configuration lists.
     *
     * @param options the settings
     * @param random the run's generator
     * @param irreducible the irreducible losses {@code rho@β} subtracts, by dataset index, or null
     * @return the candidates, in the listed order
     * @throws ConfigurationException if {@code rho@β} is listed without irreducible losses
     */
    static List<AutoCandidate> all(AutoOptions options, RunRandom random, IrreducibleLosses irreducible) {
        if (irreducible == null && options.parsed().stream().anyMatch(parsed -> parsed[0] == 3)) {
            throw new ConfigurationException("ast.policy.candidates=" + options.candidates() + " lists rho@beta, "
                    + "which subtracts irreducible losses computed beforehand: supply them as "
                    + "AdaptiveSparseTraining.builder(config).service(IrreducibleLosses.class, "
                    + "ReferenceTraining.builder(network, inputShape).cleanSet(holdout).build().build(trainingSet,"
                    + " engine))");
        }
        return options.parsed().stream().map(parsed -> of(parsed, random, irreducible)).toList();
    }

    /**
     * Creates a candidate from its parsed form.
     *
     * @param parsed ("prune", r) as {0, r}, ("sb", β) as {1, β}, ("classprune", r) as {2, r} or ("rho", β) as
     *     {3, β}, from {@link AutoOptions#parsed()}
     * @param random the run's generator
     * @param irreducible the irreducible losses {@code rho@β} subtracts, by dataset index; null if none is listed
     * @return the candidate
     */
    static AutoCandidate of(double[] parsed, RunRandom random, IrreducibleLosses irreducible) {
        int window = SelectiveBackpropPolicy.Options.DEFAULTS.window();
        return switch ((int) parsed[0]) {
            case 0, 2 -> new Prune(new PruneSelection(parsed[1], random, parsed[0] == 2));
            case 1 -> new ScoringPass<>("sb@" + AutoOptions.number(parsed[1]),
                    new SelectiveBackpropPolicy(batch -> batch.losses(), parsed[1], window, random), 1);
            default -> {
                RhoLossPolicy rho = new RhoLossPolicy(null, null, RhoLossPolicy.Mode.SOFT, 1, parsed[1], window,
                        false, random);
                rho.useTable(irreducible);
                yield new ScoringPass<>("rho@" + AutoOptions.number(parsed[1]), rho, 2);
            }
        };
    }

    /** InfoBatch-style pruning from the recorded losses, plain or class-aware, no scoring pass. */
    record Prune(PruneSelection selection) implements AutoCandidate {
        @Override
        public String label() {
            return (selection.classAware() ? "classprune@" : "prune@") + AutoOptions.number(selection.ratio());
        }

        @Override
        public boolean fromHistory() {
            return true;
        }

        @Override
        public Selection select(PolicyBatch batch) {
            return selection.select(batch);
        }
    }

    /**
     * A policy run on a fresh scoring pass's losses: Selective Backprop ({@code sb@β}, its window of recent losses
     * its state) or the same on reducible loss ({@code rho@β}, the table and the window; a table computed for a
     * training set of another size is refused in {@link #prepare}, since it is read by dataset index).
     *
     * @param label the label in decisions and epoch lines
     * @param policy the policy that selects
     * @param stateArrays how many arrays the policy's state takes
     * @param <P> the policy's type
     */
    record ScoringPass<P extends SelectionPolicy & SelectionPolicy.Stateful>(String label, P policy, int stateArrays)
            implements AutoCandidate {
        @Override
        public boolean fromHistory() {
            return false;
        }

        @Override
        public Selection select(PolicyBatch batch) {
            return policy.select(batch);
        }

        @Override
        public PreparationWork prepare(Dataset trainingSet) throws IOException, TranslateException {
            return policy instanceof SelectionPolicy.Prepared prepared ? prepared.prepare(trainingSet)
                    : PreparationWork.NONE;
        }

        @Override
        public void accept(Selection selection) {
            policy.accept(selection);
        }

        @Override
        public void start(NDManager runManager) {
            policy.start(runManager);
        }

        @Override
        public NDList exportState(NDManager scratch) {
            return policy.exportState(scratch);
        }

        @Override
        public void restoreState(NDList saved) {
            policy.restoreState(saved);
        }
    }
}
