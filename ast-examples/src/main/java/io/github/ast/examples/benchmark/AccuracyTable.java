package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.BenchmarkSummary.accuracyAt;

import java.util.function.ToDoubleFunction;

/**
 * A summary table of median accuracy on one split at each training time, optionally with each run's best
 * evaluation: one class for the test and the validation table, so that the two read alike.
 */
final class AccuracyTable {

    private AccuracyTable() {}

    /**
     * Median accuracy on one split at each training time, and optionally of each run's best evaluation (not for the
     * test split: the best of many test evaluations is picked on the test split).
     *
     * @param summary the summary
     * @param title the table's bold title
     * @param note text after the title, or empty
     * @param split which accuracy of an evaluation
     * @param best whether to add the column of each run's best evaluation
     */
    static String markdown(BenchmarkSummary summary, String title, String note, ToDoubleFunction<Evaluation> split,
            boolean best) {
        double[] budgets = summary.budgets();
        StringBuilder md = new StringBuilder("\n**").append(title).append("**").append(note).append("\n\n| arm |");
        for (double b : budgets) {
            md.append(' ').append(SummaryCells.trim(b)).append(" s |");
        }
        md.append(best ? " best |" : "").append("\n|---|").append("---|".repeat(budgets.length + (best ? 1 : 0)))
                .append('\n');
        for (String arm : summary.arms()) {
            md.append("| ").append(arm).append(" |");
            for (double b : budgets) {
                md.append(' ').append(SummaryCells.accuracy(summary, arm, accuracyAt(split, b), b)).append(" |");
            }
            if (best) {
                md.append(' ').append(SummaryCells.accuracy(summary, arm, r -> r.evaluations().stream()
                        .mapToDouble(split).max().orElse(Double.NaN), -1)).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }
}
