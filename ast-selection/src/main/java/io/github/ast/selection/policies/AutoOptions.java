package io.github.ast.selection.policies;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.spi.Option;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AutoPolicy}'s settings, {@code ast.policy.*}.
 *
 * @param finalFraction the run's last fraction trained on every row, in [0, 1)
 * @param candidates what to try against every row, cheapest first: {@code prune@r}, {@code classprune@r},
 *     {@code sb@β}, {@code rho@β}, or none
 * @param window batches per measured window, >= 1
 * @param holdout held-out rows measured, >= 16
 * @param margin how much faster a candidate's held-out progress must be to replace every row, >= 0
 * @param hold windows between trials, >= 0
 * @param park windows a losing candidate waits before its first retry, doubling with each loss, >= 1
 */
public record AutoOptions(
        @Option(key = "final", description = "the run's last fraction (of `fit`'s epochs, or of a supplied "
                + "`TrainingProgress`) trained on every row, no trials") double finalFraction,
        @Option(description = "what `auto` tries against every row, cheapest first, comma-separated: `prune@r` "
                + "(InfoBatch's pruning of below-mean-loss rows with probability r, from the training forward's "
                + "losses), `classprune@r` (the same within each class of the batch, easy classes pruned more), "
                + "`sb@beta` (Selective Backprop on a scoring pass), `rho@beta` (the same on reducible loss, RHO-LOSS, "
                + "from irreducible losses computed beforehand); `none`: full-data training, nothing held out")
            String candidates,
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
    public static final AutoOptions DEFAULTS = new AutoOptions(0.125, "prune@0.3,prune@0.5,sb@1", 200, 1024, 0.05, 20,
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
    public AutoOptions {
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
     * @return each candidate as (kind, value): ("prune", r) as {0, r}, ("sb", β) as {1, β}, ("classprune", r) as
     *     {2, r}, ("rho", β) as {3, β}
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
            boolean classPrune = kind.equals("classprune") && value > 0 && value < 1;
            boolean beta = value > 0 && Double.isFinite(value);
            boolean sb = kind.equals("sb") && beta;
            boolean rho = kind.equals("rho") && beta;
            require(prune || sb || classPrune || rho, "candidates", list, "a comma-separated list of prune@r and "
                    + "classprune@r (r in (0, 1)) and sb@beta and rho@beta (beta > 0), or none; '" + entry
                    + "' is none of them");
            parsed.add(new double[] {prune ? 0 : sb ? 1 : classPrune ? 2 : 3, value});
        }
        return parsed;
    }

    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
