package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.SummaryCells.pct;

/**
 * The summary's first table, time to each target test accuracy per arm, after the note on how every time in the
 * summary is measured and how runs that never reached a target count.
 */
final class TimeToTargetTable {

    private TimeToTargetTable() {}

    static String markdown(BenchmarkSummary summary) {
        double[] targets = summary.targets();
        StringBuilder md = new StringBuilder();
        md.append("Times are training seconds (evaluation excluded) at the first evaluation at or above the target, "
                + "on the evaluation grid (the scheduled time, so runs that reached a target at the same evaluation "
                + "tie); medians over paired seeds with bootstrap 95% intervals"
                + " in brackets; a run that never reached a target is censored (counted as slower than every run "
                + "that did), not dropped.\n\n");
        md.append("**Time to target test accuracy**\n\n| arm | seeds |");
        for (double t : targets) {
            md.append(' ').append(pct(t)).append(" |");
        }
        md.append("\n|---|---|").append("---|".repeat(targets.length)).append('\n');
        for (String arm : summary.arms()) {
            md.append("| ").append(arm).append(" | ").append(summary.runsOf(arm).size()).append(" |");
            for (double t : targets) {
                double[] times = summary.timesTo(arm, t);
                md.append(' ').append(SummaryCells.time(times, Stats.bootstrapMedian(times,
                        BenchmarkSummary.cellSeed(arm, t)))).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }
}
