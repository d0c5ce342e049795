package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.SummaryCells.pct;

/**
 * The summary's table of paired speed-ups to each target: every arm against the best random control at that target,
 * the best practitioner's remedy when any ran, and full data, seed by seed, the comparison the benchmark exists for.
 */
final class SpeedUpTable {

    private SpeedUpTable() {}

    static String markdown(BenchmarkSummary summary) {
        boolean hasFull = summary.arms().contains("full");
        double[] targets = summary.targets();
        StringBuilder md = new StringBuilder("\n**Paired speed-up to each target** (per seed, the control's time "
                + "over the arm's; the median, its interval and the seeds used; > 1: the arm is faster; ∞: only the "
                + "arm reached it; 0: only the control did; seeds where neither did are left out)\n\n| arm |");
        int columns = 0;
        for (double t : targets) {
            String best = summary.bestRandom(t);
            if (best != null) {
                md.append(' ').append(pct(t)).append(" vs best random (").append(best).append(") |");
                columns++;
            }
            String baseline = summary.bestBaseline(t);
            if (baseline != null) {
                md.append(' ').append(pct(t)).append(" vs best remedy (").append(baseline).append(") |");
                columns++;
            }
            if (hasFull) {
                md.append(' ').append(pct(t)).append(" vs full |");
                columns++;
            }
        }
        md.append("\n|---|").append("---|".repeat(columns)).append('\n');
        for (String arm : summary.arms()) {
            md.append("| ").append(arm).append(" |");
            for (double t : targets) {
                String best = summary.bestRandom(t);
                if (best != null) {
                    md.append(' ').append(cell(summary, arm, best, t)).append(" |");
                }
                String baseline = summary.bestBaseline(t);
                if (baseline != null) {
                    md.append(' ').append(cell(summary, arm, baseline, t)).append(" |");
                }
                if (hasFull) {
                    md.append(' ').append(cell(summary, arm, "full", t)).append(" |");
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The arm's paired speed-up over a control, or a dash in the control's own row. */
    private static String cell(BenchmarkSummary summary, String arm, String control, double target) {
        return arm.equals(control) ? "—" : SummaryCells.ratio(summary.paired(arm, control, target));
    }
}
