package io.github.ast.examples.benchmark;

import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One arm of the benchmark: how a run chooses what to train. Parsed from its label ({@link ArmParser}), e.g.
 * {@code full}, {@code random-batch@0.1}, {@code rs2@0.3}, {@code infobatch@0.5}, {@code infobatch@0.5:random},
 * {@code seed}, {@code seed:random}, {@code ast-100}, {@code sb@1}, {@code sb@2:random}, {@code stale-sb},
 * {@code stale-sb:random}, {@code importance}, {@code importance:random}, {@code rho-loss}, {@code rho-loss:random},
 * {@code rho-loss@8}, {@code rho-loss@8:random}, {@code auto}, {@code seed-every@4}, {@code seed-down@2}; what each
 * is and how its AST runs are
 * configured is in {@link ArmCatalogue}.
 *
 * <p>Pooled arms (Selective Backprop, importance sampling) ask for {@code ast.backwardBatch}; the runner sets it to the
 * benchmark's batch size, so that they train full-size steps.
 *
 * @param label the label, as given on the command line and in every output
 * @param kind what loop trains it
 * @param rate the kept fraction for {@link Kind#RANDOM_BATCH} and {@link Kind#RS2}; the prune ratio for
 *     {@link Kind#INFOBATCH}; 1 for full data; the target rate the configuration asks for otherwise
 * @param randomScores for {@link Kind#INFOBATCH}: the ablation, recording uniform random numbers instead of losses
 * @param configure for {@link Kind#AST}: the configuration of the run, from the benchmark's base configuration
 * @param presample batches are this many times the benchmark's batch size, 1 except for importance sampling, which
 *     draws one benchmark batch from each presampled one
 * @param logitAdjusted whether it trains with the logit-adjusted loss (label suffix {@code +la}) instead of plain
 *     cross-entropy
 * @param reference what RHO-LOSS's reference model trains on, for arms whose policy has one
 */
public record Arm(String label, Kind kind, double rate, boolean randomScores,
        UnaryOperator<AstConfigBuilder> configure, double presample, boolean logitAdjusted, Reference reference) {

    /** The loops that train an arm. */
    public enum Kind {
        /** Plain DJL: {@code EasyTrain.trainBatch} on every row of every batch. */
        FULL,
        /** A uniformly random {@code rate} of every batch's rows, chosen on the engine, with no scoring pass. */
        RANDOM_BATCH,
        /** RS2: a fresh random {@code rate} of the data per epoch, full-size batches, no scoring pass. */
        RS2,
        /**
         * InfoBatch: {@code InfoBatchSampler} with prune ratio {@code rate}, its losses from the training forward, the
         * last 12.5% of the budget on all data.
         */
        INFOBATCH,
        /** {@code AdaptiveSparseTrainer.trainBatch} on every batch, with the arm's configuration. */
        AST,
        /** Plain DJL on batches drawn class-balanced ({@code ClassBalancedSampler}): a remedy for a long tail. */
        BALANCED,
        /** Plain DJL on the rows near-duplicate removal keeps, the removal timed on the run's clock. */
        DEDUP,
        /** Plain DJL, the last {@code rate} of the budget on the clean holdout only: a remedy for noisy labels. */
        FINE_TUNE,
        /**
         * Plain DJL, each evaluation reporting the model that was best so far on the clean holdout: early stopping,
         * a remedy for noisy labels.
         */
        EARLY_STOP,
        /** Class-aware InfoBatch: pruning within each class at a ratio that falls as the class's loss rises. */
        CLASS_PRUNE
    }

    /** What RHO-LOSS's reference model trains on. */
    public enum Reference {
        /** Two cross-fitted models on disjoint 10% of the training set, on the run's clock. */
        TRAINING_SET,
        /** One model on the clean holdout, on the run's clock. */
        CLEAN_HOLDOUT,
        /** One model on the clean holdout, trained before the clock starts; its cost is reported beside. */
        CLEAN_HOLDOUT_BEFOREHAND
    }

    /**
     * An arm with plain cross-entropy and the training set's reference.
     *
     * @param label see the record
     * @param kind see the record
     * @param rate see the record
     * @param randomScores see the record
     * @param configure see the record
     * @param presample see the record
     */
    public Arm(String label, Kind kind, double rate, boolean randomScores, UnaryOperator<AstConfigBuilder> configure,
            double presample) {
        this(label, kind, rate, randomScores, configure, presample, false, Reference.TRAINING_SET);
    }

    /**
     * Checks the rate.
     *
     * @param label see the record
     * @param kind see the record
     * @param rate see the record
     * @param randomScores see the record
     * @param configure see the record
     * @param presample see the record
     * @param logitAdjusted see the record
     * @param reference see the record
     */
    public Arm {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("arm '" + label + "': rate " + rate + " must be in (0, 1]");
        }
        if (presample < 1) {
            throw new IllegalArgumentException("arm '" + label + "': presample " + presample + " must be >= 1");
        }
    }

    /**
     * Parses a label.
     *
     * @param text e.g. {@code full}, {@code random-batch@0.1}, {@code rs2@0.3}, {@code seed}
     * @param baseRate the base configuration's target rate, the rate of AST arms that do not set their own
     * @return the arm
     * @throws IllegalArgumentException naming the label and listing the known ones
     */
    public static Arm parse(String text, double baseRate) {
        return ArmParser.parse(text, baseRate);
    }

    /**
     * {@return the known labels, with {@code r} standing for a rate in (0, 1], {@code b} for a β > 0, {@code k}
     * for a whole number >= 2 and {@code e} for reference epochs >= 1}
     */
    public static List<String> known() {
        return ArmCatalogue.known();
    }

    /** {@return whether this arm is one of the random controls (no selection, no scoring pass)} */
    public boolean isRandomControl() {
        return (kind == Kind.RANDOM_BATCH || kind == Kind.RS2) && !logitAdjusted;
    }

    /** {@return whether this arm is a practitioner's remedy for a kind of data, not a selection method} */
    public boolean isPractitionerBaseline() {
        return kind == Kind.BALANCED || kind == Kind.DEDUP || kind == Kind.FINE_TUNE || kind == Kind.EARLY_STOP
                || logitAdjusted;
    }

    /** {@return whether it trains by plain DJL steps rather than AST's {@code fit}} */
    public boolean trainsPlain() {
        return kind == Kind.FULL || kind == Kind.BALANCED || kind == Kind.DEDUP || kind == Kind.FINE_TUNE
                || kind == Kind.EARLY_STOP;
    }

    /** {@return whether it needs the clean holdout ({@code --clean-holdout})} */
    public boolean needsCleanHoldout() {
        return kind == Kind.FINE_TUNE || kind == Kind.EARLY_STOP || reference != Reference.TRAINING_SET;
    }

    /** {@return this arm trained with the logit-adjusted loss, labelled {@code <label>+la}} */
    Arm withLogitAdjustment() {
        return new Arm(label + "+la", kind, rate, randomScores, configure, presample, true, reference);
    }

    /** {@return a sentence describing the arm, for the summary} */
    public String description() {
        return ArmCatalogue.describe(this);
    }
}
