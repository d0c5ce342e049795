package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;
import java.util.Objects;

/**
 * The importance sampler's settings that {@code importance} and {@code auto} share ({@code ast.policy.*}), nested in
 * both policies' options so that each of these keys, defaults and checks is written once.
 *
 * @param mix the uniform distribution's share of the sampling probabilities, in [0, 1]
 * @param momentum of the variance reduction τ's exponential moving average, in [0, 1)
 * @param maxWeight the cap on a drawn row's weight, finite and >= 1
 * @param costRatio {@value #MEASURED}, or a fixed price of scoring as (scored batch time / unscored batch time) − 1,
 *     a finite number >= 0
 * @param score what the sampling probabilities follow
 */
public record ImportanceOptions(
        @Option(description = "the uniform distribution's share of the sampling probabilities; it bounds a drawn "
                + "row's weight by 1/mix") double mix,
        @Option(description = "momentum of the exponential moving average of the variance reduction τ, which the "
                + "pay-off switch compares with the price of scoring") double momentum,
        @Option(description = "cap on a drawn row's weight 1/(S·p)") double maxWeight,
        @Option(description = "the price of a scoring pass: `measured` (the median time of a scored batch over that "
                + "of an unscored one; decisions then depend on the clock) or a fixed number c >= 0 for a price of "
                + "1 + c, which makes runs repeat bit for bit") String costRatio,
        @Option(description = "what the sampling probabilities follow: `loss` (the per-sample loss) or `scorer` "
                + "(the run's `ast.scorer`, say `gradnorm`)") Score score) {

    /** The {@code costRatio} that asks for the price of scoring to be measured. */
    public static final String MEASURED = "measured";

    /** A 20% uniform share, momentum 0.9, weights capped at 5, the measured price of scoring, the loss. */
    public static final ImportanceOptions DEFAULTS = new ImportanceOptions(0.2, 0.9, 5, MEASURED, Score.LOSS);

    /** What the sampling probabilities follow. */
    public enum Score {
        /** The per-sample loss, free from the scoring forward. */
        LOSS,
        /** The run's scorer ({@code ast.scorer}). */
        SCORER
    }

    /**
     * Checks every setting, naming its key.
     *
     * @param mix the uniform distribution's share of the sampling probabilities, in [0, 1]
     * @param momentum of τ's exponential moving average, in [0, 1)
     * @param maxWeight the cap on a drawn row's weight, finite and >= 1
     * @param costRatio {@value #MEASURED}, or a finite number >= 0
     * @param score what the sampling probabilities follow
     */
    public ImportanceOptions {
        require(mix >= 0 && mix <= 1, "mix", mix, "in [0, 1]");
        require(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
        require(maxWeight >= 1 && Double.isFinite(maxWeight), "maxWeight", maxWeight, ">= 1");
        Objects.requireNonNull(costRatio, "costRatio");
        double fixed = parse(costRatio);
        require(costRatio.equals(MEASURED) || fixed >= 0 && Double.isFinite(fixed), "costRatio",
                Double.isNaN(fixed) ? costRatio : fixed, "'measured' or a number >= 0");
        Objects.requireNonNull(score, "score");
    }

    /** {@return the fixed price of scoring minus 1, NaN when it is measured} */
    public double fixedCostRatio() {
        return costRatio.equals(MEASURED) ? Double.NaN : parse(costRatio);
    }

    /** The number a cost ratio is, NaN if it is none (as {@code measured}). */
    private static double parse(String costRatio) {
        try {
            return Double.parseDouble(costRatio.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
