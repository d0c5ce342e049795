package io.github.ast.examples.benchmark;

import io.github.ast.core.AstConfig;
import io.github.ast.core.ScoringPass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the labels of {@code --arms} into {@link Arm}s: the family and its parameter ({@code rs2@0.3},
 * {@code sb@2:random}, {@code seed-every@4}), checked with messages that name the label, and the shorthand of a
 * bare rate continuing the previous arm's family. What the arms are is in {@link ArmCatalogue}.
 */
final class ArmParser {

    /** The suffix of an arm trained with the logit-adjusted loss. */
    static final String LOGIT_ADJUSTED = "+la";

    private ArmParser() {}

    /**
     * Parses arm labels, where a bare rate continues the previous label's kind ({@code rs2@0.1,0.3}).
     *
     * @param labels the labels, as given to {@code --arms}
     * @param baseRate the base configuration's target rate
     * @return the arms, in the order given
     * @throws IllegalArgumentException for an unknown label, a bare rate with no arm before it, or an arm twice
     */
    static List<Arm> parseList(List<String> labels, double baseRate) {
        List<Arm> parsed = new ArrayList<>();
        String kind = null;
        String suffix = "";
        for (String label : labels) {
            String text = label.trim();
            if (!text.isEmpty() && (Character.isDigit(text.charAt(0)) || text.charAt(0) == '.')) {
                if (kind == null) {
                    throw new IllegalArgumentException("arm '" + text + "' is a bare rate with no arm before it; "
                            + "write e.g. random-batch@" + text);
                }
                text = kind + "@" + text + suffix;
            }
            Arm arm = parse(text, baseRate);
            if (parsed.stream().anyMatch(a -> a.label().equals(arm.label()))) {
                throw new IllegalArgumentException("arm '" + arm.label() + "' is listed twice");
            }
            parsed.add(arm);
            int at = arm.label().indexOf('@');
            kind = at > 0 ? arm.label().substring(0, at) : null;
            suffix = arm.logitAdjusted() ? LOGIT_ADJUSTED : "";
        }
        return parsed;
    }

    /** See {@link Arm#parse}. */
    static Arm parse(String text, double baseRate) {
        String label = text.trim().toLowerCase(Locale.ROOT);
        if (label.endsWith(LOGIT_ADJUSTED)) {
            Arm base = parse(label.substring(0, label.length() - LOGIT_ADJUSTED.length()), baseRate);
            if (base.kind() != Arm.Kind.FULL && base.kind() != Arm.Kind.RS2) {
                throw new IllegalArgumentException("arm '" + text + "': " + LOGIT_ADJUSTED + " (the logit-adjusted "
                        + "loss) applies to full and rs2@r, which train with the trainer's own loss; " + base.label()
                        + " weighs per-sample cross-entropy");
            }
            return base.withLogitAdjustment();
        }
        Arm.Kind plain = ArmCatalogue.plainArm(label);
        if (plain != null) {
            return new Arm(label, plain, 1, false, null, 1);
        }
        int at = label.indexOf('@');
        if (at > 0) {
            String prefix = label.substring(0, at);
            String value = label.substring(at + 1);
            switch (prefix) {
                case "sb":
                    return selectiveBackprop(text, value);
                case "rho-loss":
                    return rhoLoss(text, value, baseRate);
                case "seed-every", "seed-down":
                    return cheaperScoring(text, prefix, value, baseRate);
                case "random-batch":
                    return sampled(text, prefix, value, Arm.Kind.RANDOM_BATCH);
                case "rs2":
                    return sampled(text, prefix, value, Arm.Kind.RS2);
                case "infobatch":
                    return sampled(text, prefix, value, Arm.Kind.INFOBATCH);
                case "classprune":
                    return sampled(text, prefix, value, Arm.Kind.CLASS_PRUNE);
                case "finetune":
                    return sampled(text, prefix, value, Arm.Kind.FINE_TUNE);
                default:
                    break;
            }
        }
        ArmCatalogue.AstArm ast = ArmCatalogue.astArm(label);
        if (ast == null) {
            throw new IllegalArgumentException("arm '" + text + "' is unknown; use " + String.join(", ",
                    ArmCatalogue.known()));
        }
        double rate = ast.configure().apply(AstConfig.builder().targetRate(baseRate)).build().target().targetRate();
        return new Arm(label, Arm.Kind.AST, rate, false, ast.configure(), ast.presample(), false, ast.reference());
    }

    /**
     * The value after {@code prefix@} of a label: a number, optionally followed by {@code :random} where the family
     * has an ablation.
     */
    private record Parameter(String number, double value, boolean randomScores) {

        static Parameter parse(String text, String value, String example, boolean ablation) {
            boolean randomScores = ablation && value.endsWith(":random");
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

    /**
     * A random control ({@code random-batch@r}, {@code rs2@r}), InfoBatch ({@code infobatch@r[:random]}), its
     * class-aware form ({@code classprune@r[:random]}) or fine-tuning on the clean holdout ({@code finetune@f}).
     */
    private static Arm sampled(String text, String prefix, String value, Arm.Kind kind) {
        boolean pruning = kind == Arm.Kind.INFOBATCH || kind == Arm.Kind.CLASS_PRUNE;
        Parameter rate = Parameter.parse(text, value, prefix + "@0.1", pruning);
        if ((pruning || kind == Arm.Kind.FINE_TUNE) && rate.value() >= 1) {
            throw new IllegalArgumentException("arm '" + text + "': " + (pruning ? "prune ratio " : "fine-tuned share "
                    + "of the budget ") + rate.value() + " must be in (0, 1)");
        }
        return new Arm(rate.label(prefix), kind, rate.value(), rate.randomScores(), null, 1);
    }

    private static Arm selectiveBackprop(String text, String value) {
        Parameter beta = Parameter.parse(text, value, "sb@1", true);
        if (!(beta.value() > 0) || Double.isInfinite(beta.value())) {
            throw new IllegalArgumentException("arm '" + text + "': beta " + beta.value() + " must be finite and > 0");
        }
        return new Arm(beta.label("sb"), Arm.Kind.AST, 1 / (beta.value() + 1), false,
                ArmCatalogue.selectiveBackprop(beta.value(), beta.randomScores()), 1);
    }

    /** RHO-LOSS whose reference models train {@code e} epochs each instead of 2 ({@code rho-loss@e}). */
    private static Arm rhoLoss(String text, String value, double baseRate) {
        Parameter epochs = Parameter.parse(text, value, "rho-loss@8", true);
        double count = epochs.value();
        if (!(count >= 1 && count <= Integer.MAX_VALUE) || count != Math.rint(count)) {
            throw new IllegalArgumentException("arm '" + text + "': reference epochs " + epochs.number()
                    + " must be a whole number >= 1");
        }
        return new Arm(epochs.label("rho-loss"), Arm.Kind.AST, baseRate, false,
                ArmCatalogue.rhoLoss(epochs.randomScores(), (int) count), 1);
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
        return new Arm(prefix + "@" + factor, Arm.Kind.AST, baseRate, false, ArmCatalogue.cheaperScoring(pass), 1);
    }
}
