package io.github.ast.examples.benchmark;

import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.ScoringPass;
import io.github.ast.core.SelectionConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the benchmark's arms are: the named AST arms (the published reference, its ablations and the baselines AST
 * implements as policies), the AST configuration behind every family of arms, and the sentence the summary gives
 * each. {@link ArmParser} turns labels into arms from it, so that a new arm is added here alone.
 */
final class ArmCatalogue {

    private ArmCatalogue() {}

    /**
     * A named AST arm: what it is, its configuration from the base one, its presample in batches and what its
     * reference model (if any) trains on.
     */
    record AstArm(String description, UnaryOperator<AstConfigBuilder> configure, int presample,
            Arm.Reference reference) {

        AstArm(String description, UnaryOperator<AstConfigBuilder> configure) {
            this(description, configure, 1, Arm.Reference.TRAINING_SET);
        }

        AstArm(String description, UnaryOperator<AstConfigBuilder> configure, int presample) {
            this(description, configure, presample, Arm.Reference.TRAINING_SET);
        }
    }

    /** Epochs of RHO-LOSS's reference on the clean holdout: a small set, so more epochs than on 10% of the data. */
    static final int CLEAN_REFERENCE_EPOCHS = 10;

    /** Arms of plain DJL steps by label, with what each is. */
    private static final Map<String, Arm.Kind> PLAIN_ARMS = new LinkedHashMap<>();

    static {
        PLAIN_ARMS.put("full", Arm.Kind.FULL);
        PLAIN_ARMS.put("balanced", Arm.Kind.BALANCED);
        PLAIN_ARMS.put("dedup", Arm.Kind.DEDUP);
        PLAIN_ARMS.put("early-stop", Arm.Kind.EARLY_STOP);
    }

    /** {@return the kind of the plain arm of that label, or null} */
    static Arm.Kind plainArm(String label) {
        return PLAIN_ARMS.get(label);
    }

    /** Importance sampling's presample: batches of 3 benchmark batches, one drawn from each. */
    private static final int PRESAMPLE = 3;

    /** AST arms by label: the published reference, its random-scores ablation, and its overhead at 100%. */
    private static final Map<String, AstArm> AST_ARMS = new LinkedHashMap<>();

    static {
        AST_ARMS.put("seed", new AstArm("the published system: loss-intensity scorer, threshold gate, PI controller,"
                + " target rate from the base configuration (10% by default)", b -> b));
        AST_ARMS.put("seed:random", new AstArm("seed with its scores replaced by uniform random numbers (same "
                + "scoring pass, gate and controller): the ablation", b -> b.scorer("random")));
        AST_ARMS.put("ast-100", new AstArm("AST at a 100% target: nothing can be skipped, so every batch trains "
                + "directly, unscored (its overhead over plain training)",
                b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)));
        AST_ARMS.put("stale-sb", new AstArm("StaleSB: Selective Backprop (β 1, pooled) scoring afresh every second "
                + "epoch and reusing each sample's last loss in between", staleSelectiveBackprop(false)));
        AST_ARMS.put("importance", new AstArm("importance sampling (Katharopoulos & Fleuret): draws a batch from a "
                + "presample of 3 by loss, weights 1/(N p), on only while the measured τ exceeds the measured price of "
                + "scoring", importance(false), PRESAMPLE));
        AST_ARMS.put("importance:random", new AstArm("importance with random scores: the ablation", importance(true),
                PRESAMPLE));
        AST_ARMS.put("rho-loss", new AstArm("RHO-LOSS: Selective Backprop (β 1, pooled) on reducible loss, the loss "
                + "minus a reference model's (the same network, 2 epochs on 10% of the data, cross-fitted, its cost "
                + "on the clock)", rhoLoss(false)));
        AST_ARMS.put("rho-loss:random", new AstArm("rho-loss with random scores (the reference still trained): the "
                + "ablation", rhoLoss(true)));
        AST_ARMS.put("auto", new AstArm("auto: every row (the plain step) unless a candidate (InfoBatch-style pruning "
                + "at 0.3 or 0.5 from the training forward's losses, then Selective Backprop β 1) makes faster held-out "
                + "progress per second in paired alternating windows; 1024 training rows held out; every row in the "
                + "last 12.5% of the budget", b -> b.policy("auto").backwardBatch(1)));
        AST_ARMS.put("auto-class", new AstArm("auto with class-aware pruning as its first candidate: "
                + "classprune@0.3 (within each class of the batch, easy classes pruned more), then the candidates of "
                + "auto", b -> b.policy("auto").setting("policy.candidates", "classprune@0.3,prune@0.3,prune@0.5,sb@1")
                        .backwardBatch(1)));
        AST_ARMS.put("auto-rho", new AstArm("auto with RHO-LOSS as its first candidate: rho@1 (Selective Backprop "
                + "on reducible loss, the reference trained " + CLEAN_REFERENCE_EPOCHS + " epochs on the clean holdout "
                + "before the clock starts, its one-time cost reported beside), then the candidates of auto",
                b -> b.policy("auto").setting("policy.candidates", "rho@1,prune@0.3,prune@0.5,sb@1").backwardBatch(1),
                1, Arm.Reference.CLEAN_HOLDOUT_BEFOREHAND));
        AST_ARMS.put("stale-sb:random", new AstArm("stale-sb with random scores: the ablation",
                staleSelectiveBackprop(true)));
        AST_ARMS.put("rho-clean", new AstArm("RHO-LOSS with its reference trained " + CLEAN_REFERENCE_EPOCHS
                + " epochs on the clean holdout before the clock starts (its one-time cost reported beside)",
                rhoLoss(false, CLEAN_REFERENCE_EPOCHS), 1, Arm.Reference.CLEAN_HOLDOUT_BEFOREHAND));
        AST_ARMS.put("rho-clean:clocked", new AstArm("rho-clean with the reference's training on the run's clock",
                rhoLoss(false, CLEAN_REFERENCE_EPOCHS), 1, Arm.Reference.CLEAN_HOLDOUT));
    }

    /** {@return the named AST arm of that label, or null} */
    static AstArm astArm(String label) {
        return AST_ARMS.get(label);
    }

    /** {@return the known labels, see {@link Arm#known()}} */
    static List<String> known() {
        List<String> labels = new ArrayList<>(PLAIN_ARMS.keySet());
        labels.addAll(List.of("full+la", "random-batch@r", "rs2@r", "rs2@r+la", "infobatch@r",
                "infobatch@r:random", "classprune@r", "classprune@r:random", "finetune@f", "sb@b", "sb@b:random",
                "rho-loss@e", "rho-loss@e:random", "seed-every@k", "seed-down@k"));
        labels.addAll(AST_ARMS.keySet());
        return labels;
    }

    /**
     * Loss scores, or random ones for the ablation, for a policy that reads them ({@code policy.score}), and pooled
     * full-size steps.
     */
    private static AstConfigBuilder scoredByLoss(AstConfigBuilder b, boolean randomScores) {
        return b.setting("policy.score", randomScores ? "scorer" : "loss").scorer(randomScores ? "random" : "loss")
                .backwardBatch(1);
    }

    /**
     * Importance sampling with its measured pay-off switch: loss scores (or random ones, the ablation), presamples
     * of 3 batches, pooled full-size steps.
     */
    private static UnaryOperator<AstConfigBuilder> importance(boolean randomScores) {
        return b -> scoredByLoss(b.policy("importance").setting("policy.presample", Integer.toString(PRESAMPLE)),
                randomScores);
    }

    /** Selective Backprop as the paper runs it: loss scores, keep probability CDF^β, pooled full-size steps. */
    static UnaryOperator<AstConfigBuilder> selectiveBackprop(double beta, boolean randomScores) {
        return b -> b.policy("selective-backprop").setting("policy.beta", Double.toString(beta))
                .scorer(randomScores ? "random" : "loss").backwardBatch(1);
    }

    /** StaleSB: Selective Backprop (β 1) scoring afresh every second epoch, the last losses in between. */
    private static UnaryOperator<AstConfigBuilder> staleSelectiveBackprop(boolean randomScores) {
        return b -> selectiveBackprop(1, randomScores).apply(b)
                .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0));
    }

    /** RHO-LOSS, soft: keep probability CDF(reducible loss)^1, pooled; the runner supplies the reference recipe. */
    private static UnaryOperator<AstConfigBuilder> rhoLoss(boolean randomScores) {
        return b -> b.policy("rho-loss").setting("policy.randomScores", Boolean.toString(randomScores))
                .scorer("loss").backwardBatch(1);
    }

    /** RHO-LOSS whose reference models train {@code epochs} epochs each instead of 2. */
    static UnaryOperator<AstConfigBuilder> rhoLoss(boolean randomScores, int epochs) {
        return b -> rhoLoss(randomScores).apply(b).setting("policy.referenceEpochs", Integer.toString(epochs));
    }

    /** The published system with a cheaper scoring pass. */
    static UnaryOperator<AstConfigBuilder> cheaperScoring(ScoringPass pass) {
        return b -> b.scoring(pass);
    }

    /** {@return a sentence describing the arm, see {@link Arm#description()}} */
    static String describe(Arm arm) {
        String loss = arm.logitAdjusted() ? ", with the logit-adjusted loss (Menon et al., τ 1)" : "";
        return describeKind(arm) + loss;
    }

    private static String describeKind(Arm arm) {
        double rate = arm.rate();
        return switch (arm.kind()) {
            case FULL -> "plain DJL `EasyTrain.trainBatch` on every sample";
            case RANDOM_BATCH -> String.format(Locale.ROOT, "a uniformly random %.0f%% of every batch, no scoring pass",
                    100 * rate);
            case RS2 -> String.format(Locale.ROOT, "RS2: a fresh random %.0f%% of the data per epoch, full batches, "
                    + "no scoring pass", 100 * rate);
            case INFOBATCH -> String.format(Locale.ROOT, "InfoBatch: each epoch drops below-mean-loss samples with "
                    + "probability %.2f, weights the kept ones of that group up, last 12.5%% of the budget on all "
                    + "data%s", rate, arm.randomScores() ? "; ablation: random numbers recorded instead of losses"
                            : "");
            case AST -> describeAst(arm.label(), rate);
            case BALANCED -> "plain DJL on class-balanced batches: a class drawn uniformly, then one of its rows";
            case DEDUP -> "plain DJL on the rows near-duplicate removal keeps (4 x 4-pooled pixels, cosine above the "
                    + "threshold to an earlier row of the class), the removal on the clock";
            case FINE_TUNE -> String.format(Locale.ROOT, "plain DJL, the last %.0f%% of the budget fine-tuning on the "
                    + "clean holdout alone", 100 * rate);
            case EARLY_STOP -> "plain DJL, each evaluation reporting the model best so far on the clean holdout "
                    + "(early stopping)";
            case CLASS_PRUNE -> String.format(Locale.ROOT, "class-aware InfoBatch: within each class, below-mean-loss "
                    + "samples dropped with probability min(0.9, %.2f x mean loss / class mean loss), weighted up, last "
                    + "12.5%% of the budget on all data%s", rate, arm.randomScores()
                            ? "; ablation: random numbers recorded instead of losses" : "");
        };
    }

    /** The sentence of an AST arm: of its family for a parameterised label ({@code family@value}), else its own. */
    private static String describeAst(String label, double rate) {
        int at = label.indexOf('@');
        if (at < 0) {
            return AST_ARMS.get(label).description();
        }
        String value = label.substring(at + 1);
        boolean random = label.endsWith(":random");
        return switch (label.substring(0, at)) {
            case "seed-every" -> "the published system with a scoring forward on one batch in " + value
                    + " (ast.scoreEvery), each sample's last recorded loss in between";
            case "seed-down" -> "the published system scoring images average-pooled by " + value
                    + " (ast.scoreDownsample), for models that accept them";
            case "rho-loss" -> "RHO-LOSS as the rho-loss arm, its two reference models trained "
                    + value.replace(":random", "") + " epochs each instead of 2"
                    + (random ? "; ablation: random scores (the reference still trained)" : "");
            case "sb" -> String.format(Locale.ROOT, "Selective Backprop: keep probability CDF(loss)^β over the last "
                    + "1024 losses (expected %.0f%% kept), pooled into full-size steps%s", 100 * rate,
                    random ? "; ablation: random scores" : "");
            default -> AST_ARMS.get(label).description();
        };
    }
}
