package io.github.ast.examples.benchmark;

import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.ScoringPass;
import io.github.ast.core.SelectionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One arm of the benchmark: how a run chooses what to train. Parsed from its label, e.g. {@code full},
 * {@code random-batch@0.1}, {@code rs2@0.3}, {@code infobatch@0.5}, {@code infobatch@0.5:random}, {@code seed},
 * {@code seed:random}, {@code ast-100}, {@code sb@1}, {@code sb@2:random}, {@code stale-sb}, {@code stale-sb:random},
 * {@code importance}, {@code importance:random}, {@code rho-loss}, {@code rho-loss:random}, {@code rho-loss@8},
 * {@code rho-loss@8:random}, {@code auto@0.3}, {@code auto@0.3:random}, {@code auto-rs2@0.3},
 * {@code auto-rs2@0.3:random}, {@code seed-every@4}, {@code seed-down@2}.
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
 *     draws one benchmark batch from each presampled one (for a resizable sampler: its first batches)
 * @param resizable whether AST may resize the sampler's batches ({@code AdjustableBatchSize}): {@code auto-rs2}
 */
public record Arm(String label, Kind kind, double rate, boolean randomScores,
        UnaryOperator<AstConfigBuilder> configure, double presample, boolean resizable) {

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
        AST
    }

    /** AST arms by label: the published reference, its random-scores ablation, and its overhead at 100%. */
    private static final Map<String, AstArm> AST_ARMS = new LinkedHashMap<>();

    private record AstArm(String description, UnaryOperator<AstConfigBuilder> configure, int presample) {

        AstArm(String description, UnaryOperator<AstConfigBuilder> configure) {
            this(description, configure, 1);
        }
    }

    /** Importance sampling's presample: batches of 3 benchmark batches, one drawn from each. */
    private static final int PRESAMPLE = 3;

    /**
     * Importance sampling with its measured pay-off switch: loss scores (or random ones, the ablation), presamples
     * of 3 batches, pooled full-size steps.
     */
    private static UnaryOperator<AstConfigBuilder> importance(boolean randomScores) {
        return b -> b.policy("importance").setting("policy.presample", Integer.toString(PRESAMPLE))
                .setting("policy.score", randomScores ? "scorer" : "loss").scorer(randomScores ? "random" : "loss")
                .backwardBatch(1);
    }

    /** Selective Backprop as the paper runs it: loss scores, keep probability CDF^β, pooled full-size steps. */
    private static UnaryOperator<AstConfigBuilder> selectiveBackprop(double beta, boolean randomScores) {
        return b -> b.policy("selective-backprop").setting("policy.beta", Double.toString(beta))
                .scorer(randomScores ? "random" : "loss").backwardBatch(1);
    }

    /** RHO-LOSS, soft: keep probability CDF(reducible loss)^1, pooled; the runner supplies the reference recipe. */
    private static UnaryOperator<AstConfigBuilder> rhoLoss(boolean randomScores) {
        return b -> b.policy("rho-loss").setting("policy.randomScores", Boolean.toString(randomScores))
                .scorer("loss").backwardBatch(1);
    }

    static {
        AST_ARMS.put("seed", new AstArm("the published system: loss-intensity scorer, threshold gate, PI controller,"
                + " target rate from the base configuration (10% by default)", b -> b));
        AST_ARMS.put("seed:random", new AstArm("seed with its scores replaced by uniform random numbers (same "
                + "scoring pass, gate and controller): the ablation", b -> b.scorer("random")));
        AST_ARMS.put("ast-100", new AstArm("AST at a 100% target: nothing can be skipped, so every batch trains "
                + "directly, unscored (its overhead over plain training)",
                b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)));
        AST_ARMS.put("stale-sb", new AstArm("StaleSB: Selective Backprop (β 1, pooled) scoring afresh every second "
                + "epoch and reusing each sample's last loss in between", b -> selectiveBackprop(1, false).apply(b)
                        .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0))));
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
        AST_ARMS.put("stale-sb:random", new AstArm("stale-sb with random scores: the ablation",
                b -> selectiveBackprop(1, true).apply(b)
                        .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0))));
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
     * @param resizable see the record
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
        String label = text.trim().toLowerCase(Locale.ROOT);
        if (label.equals("full")) {
            return new Arm(label, Kind.FULL, 1, false, null, 1, false);
        }
        int at = label.indexOf('@');
        if (at > 0) {
            String prefix = label.substring(0, at);
            if (prefix.equals("sb")) {
                return selectiveBackprop(text, label.substring(at + 1));
            }
            if (prefix.equals("auto") || prefix.equals("auto-rs2")) {
                return auto(text, prefix, label.substring(at + 1));
            }
            if (prefix.equals("rho-loss")) {
                return rhoLoss(text, label.substring(at + 1), baseRate);
            }
            if (prefix.equals("seed-every") || prefix.equals("seed-down")) {
                return cheaperScoring(text, prefix, label.substring(at + 1), baseRate);
            }
            Kind kind = switch (prefix) {
                case "random-batch" -> Kind.RANDOM_BATCH;
                case "rs2" -> Kind.RS2;
                case "infobatch" -> Kind.INFOBATCH;
                default -> null;
            };
            if (kind != null) {
                String value = label.substring(at + 1);
                boolean randomScores = kind == Kind.INFOBATCH && value.endsWith(":random");
                if (randomScores) {
                    value = value.substring(0, value.length() - ":random".length());
                }
                double rate;
                try {
                    rate = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("arm '" + text + "': '" + value + "' is not a number; write "
                            + "e.g. " + prefix + "@0.1", e);
                }
                if (kind == Kind.INFOBATCH && rate >= 1) {
                    throw new IllegalArgumentException("arm '" + text + "': prune ratio " + rate + " must be in "
                            + "(0, 1)");
                }
                return new Arm(label, kind, rate, randomScores, null, 1, false);
            }
        }
        AstArm ast = AST_ARMS.get(label);
        if (ast == null) {
            throw new IllegalArgumentException("arm '" + text + "' is unknown; use " + String.join(", ", known()));
        }
        double rate = ast.configure().apply(AstConfig.builder().targetRate(baseRate)).build().target().targetRate();
        return new Arm(label, Kind.AST, rate, false, ast.configure(), ast.presample(), false);
    }

    /** The value after {@code prefix@} of a label: a number, optionally followed by {@code :random}. */
    private record Parameter(String number, double value, boolean randomScores) {

        static Parameter parse(String text, String value, String example) {
            boolean randomScores = value.endsWith(":random");
            String number = randomScores ? value.substring(0, value.length() - ":random".length()) : value;
            try {
                return new Parameter(number, Double.parseDouble(number), randomScores);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("arm '" + text + "': '" + number + "' is not a number; write e.g. "
                        + example, e);
            }
        }

        String label(String prefix) {
            return prefix + "@" + number + (randomScores ? ":random" : "");
        }
    }

    private static Arm selectiveBackprop(String text, String value) {
        Parameter beta = Parameter.parse(text, value, "sb@1");
        if (!(beta.value() > 0) || Double.isInfinite(beta.value())) {
            throw new IllegalArgumentException("arm '" + text + "': beta " + beta.value() + " must be finite and > 0");
        }
        return new Arm(beta.label("sb"), Kind.AST, 1 / (beta.value() + 1), false,
                selectiveBackprop(beta.value(), beta.randomScores()), 1, false);
    }

    /**
     * {@code auto@r} draws its uniform share from each loaded batch; {@code auto-rs2@r} resizes the sampler: batches
     * of b rows trained whole while the switch is off (the runner's sampler walks all the data, so that is full-data
     * training), presamples of b / r rows only while importance sampling is on.
     */
    private static Arm auto(String text, String prefix, String value) {
        Parameter rate = Parameter.parse(text, value, prefix + "@0.3");
        if (!(rate.value() > 0 && rate.value() < 1)) {
            throw new IllegalArgumentException("arm '" + text + "': rate " + rate.value() + " must be in (0, 1)");
        }
        boolean randomScores = rate.randomScores();
        UnaryOperator<AstConfigBuilder> configure = b -> b.policy("auto").targetRate(rate.value())
                .setting("policy.score", randomScores ? "scorer" : "loss").scorer(randomScores ? "random" : "loss")
                .backwardBatch(1);
        boolean resizable = prefix.equals("auto-rs2");
        return new Arm(rate.label(prefix), Kind.AST, rate.value(), false, configure,
                resizable ? 1 / rate.value() : 1, resizable);
    }

    /** RHO-LOSS whose reference models train {@code e} epochs each instead of 2 ({@code rho-loss@e}). */
    private static Arm rhoLoss(String text, String value, double baseRate) {
        Parameter epochs = Parameter.parse(text, value, "rho-loss@8");
        double count = epochs.value();
        if (!(count >= 1 && count <= Integer.MAX_VALUE) || count != Math.rint(count)) {
            throw new IllegalArgumentException("arm '" + text + "': reference epochs " + epochs.number()
                    + " must be a whole number >= 1");
        }
        UnaryOperator<AstConfigBuilder> configure = b -> rhoLoss(epochs.randomScores()).apply(b)
                .setting("policy.referenceEpochs", Integer.toString((int) count));
        return new Arm(epochs.label("rho-loss"), Kind.AST, baseRate, false, configure, 1, false);
    }

    /**
     * The published system with a cheaper scoring pass: a scoring forward on every k-th batch only
     * ({@code seed-every@k}), or on images pooled by d ({@code seed-down@d}, for models that accept them).
     */
    private static Arm cheaperScoring(String text, String prefix, String value, double baseRate) {
        int factor;
        try {
            factor = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("arm '" + text + "': '" + value + "' is not a whole number; write e.g. "
                    + prefix + "@2", e);
        }
        if (factor < 2) {
            throw new IllegalArgumentException("arm '" + text + "': " + factor + " must be >= 2 (1 is the seed arm)");
        }
        boolean every = prefix.equals("seed-every");
        ScoringPass pass = every ? new ScoringPass(factor, 1) : new ScoringPass(1, factor);
        return new Arm(prefix + "@" + factor, Kind.AST, baseRate, false, b -> b.scoring(pass), 1, false);
    }

    /**
     * {@return the known labels, with {@code r} standing for a rate in (0, 1], {@code b} for a β > 0, {@code k}
     * for a whole number >= 2 and {@code e} for reference epochs >= 1}
     */
    public static List<String> known() {
        List<String> labels = new java.util.ArrayList<>(List.of("full", "random-batch@r", "rs2@r", "infobatch@r",
                "infobatch@r:random", "sb@b", "sb@b:random", "auto@r", "auto@r:random", "auto-rs2@r",
                "auto-rs2@r:random", "rho-loss@e",
                "rho-loss@e:random", "seed-every@k", "seed-down@k"));
        labels.addAll(AST_ARMS.keySet());
        return labels;
    }

    /** {@return whether this arm is one of the random controls (no selection, no scoring pass)} */
    public boolean isRandomControl() {
        return kind == Kind.RANDOM_BATCH || kind == Kind.RS2;
    }

    /** {@return a sentence describing the arm, for the summary} */
    public String description() {
        return switch (kind) {
            case FULL -> "plain DJL `EasyTrain.trainBatch` on every sample";
            case RANDOM_BATCH -> String.format(Locale.ROOT, "a uniformly random %.0f%% of every batch, no scoring pass",
                    100 * rate);
            case RS2 -> String.format(Locale.ROOT, "RS2: a fresh random %.0f%% of the data per epoch, full batches, "
                    + "no scoring pass", 100 * rate);
            case INFOBATCH -> String.format(Locale.ROOT, "InfoBatch: each epoch drops below-mean-loss samples with "
                    + "probability %.2f, weights the kept ones of that group up, last 12.5%% of the budget on all "
                    + "data%s", rate, randomScores ? "; ablation: random numbers recorded instead of losses" : "");
            case AST -> label.startsWith("auto@") ? String.format(Locale.ROOT, "auto: a uniform random %.0f%% of "
                    + "every batch in full-size steps, importance sampling by %s only while its measured pay-off test "
                    + "holds, all data for the last 12.5%% of the budget", 100 * rate,
                    label.endsWith(":random") ? "random scores (the ablation)" : "loss")
                    : label.startsWith("auto-rs2@") ? String.format(Locale.ROOT, "auto with the sampler resized: "
                    + "full-size batches trained whole while its switch is off (full data), presamples of %.1f "
                    + "batches only while importance sampling by %s is on, all data for the last 12.5%% of the "
                    + "budget", 1 / rate, label.endsWith(":random") ? "random scores (the ablation)" : "loss")
                    : label.startsWith("seed-every@") ? "the published system with a scoring forward on one batch in "
                    + label.substring(label.indexOf('@') + 1) + " (ast.scoreEvery), each sample's last recorded loss "
                    + "in between"
                    : label.startsWith("seed-down@") ? "the published system scoring images average-pooled by "
                    + label.substring(label.indexOf('@') + 1) + " (ast.scoreDownsample), for models that accept them"
                    : label.startsWith("rho-loss@") ? "RHO-LOSS as the rho-loss arm, its two reference models trained "
                    + label.substring(label.indexOf('@') + 1).replace(":random", "") + " epochs each instead of 2"
                    + (label.endsWith(":random") ? "; ablation: random scores (the reference still trained)" : "")
                    : label.startsWith("sb@") ? String.format(Locale.ROOT, "Selective Backprop: keep probability "
                    + "CDF(loss)^β over the last 1024 losses (expected %.0f%% kept), pooled into full-size steps%s",
                    100 * rate, label.endsWith(":random") ? "; ablation: random scores" : "")
                    : AST_ARMS.get(label).description();
        };
    }
}
