package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.BenchmarkSummary.accuracyAt;
import static io.github.ast.examples.benchmark.SummaryCells.pct;
import static io.github.ast.examples.benchmark.SummaryCells.trim;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The summary's closing list, who is ahead, generated from the runs so that no hand-written claim can drift from
 * them: per target the arm with the lowest median time and its paired speed-up over the runner-up; per training
 * time the arm with the highest median accuracy and its paired gain, each saying whether its interval separates them.
 */
final class Leaders {

    private Leaders() {}

    static String markdown(BenchmarkSummary summary) {
        StringBuilder md = new StringBuilder("\n**Who is ahead** (generated from the runs)\n\n");
        if (summary.arms().isEmpty()) {
            return md.append("No run has finished.\n").toString();
        }
        for (double t : summary.targets()) {
            fastest(md, summary, t);
        }
        for (double b : summary.budgets()) {
            mostAccurate(md, summary, b);
        }
        return md.toString();
    }

    private static void fastest(StringBuilder md, BenchmarkSummary summary, double t) {
        List<String> ranked = summary.arms().stream().sorted(Comparator.comparingDouble(
                (String a) -> Stats.median(summary.timesTo(a, t)))).toList();
        String first = ranked.get(0);
        double best = Stats.median(summary.timesTo(first, t));
        if (Double.isInfinite(best)) {
            md.append("- ").append(pct(t)).append(": no arm's median run reached it.\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "- %s: fastest `%s` (median %.0f s)", pct(t), first, best));
        if (ranked.size() > 1) {
            String second = ranked.get(1);
            double next = Stats.median(summary.timesTo(second, t));
            BenchmarkSummary.Paired paired = summary.paired(first, second, t);
            boolean separated = paired.interval().low() > 1 || paired.interval().high() < 1;
            md.append(String.format(Locale.ROOT, ", then `%s` (%s); paired speed-up of `%s` over `%s`: %s%s",
                    second, Double.isInfinite(next) ? "median not reached"
                            : String.format(Locale.ROOT, "median %.0f s", next),
                    first, second, SummaryCells.ratio(paired),
                    separated ? "" : ", not separated (the interval holds 1)"));
        }
        md.append(".\n");
    }

    private static void mostAccurate(StringBuilder md, BenchmarkSummary summary, double b) {
        List<String> ranked = summary.arms().stream().sorted(Comparator.comparingDouble(
                (String a) -> -Stats.median(summary.metric(a, accuracyAt(Evaluation::testAccuracy, b))))).toList();
        String first = ranked.get(0);
        md.append(String.format(Locale.ROOT, "- at %s s: most accurate `%s` (%s)", trim(b), first,
                SummaryCells.accuracy(summary, first, accuracyAt(Evaluation::testAccuracy, b), b)));
        if (ranked.size() > 1) {
            String second = ranked.get(1);
            double[] gains = summary.pairedDifference(first, second, accuracyAt(Evaluation::testAccuracy, b));
            Stats.Interval interval = Stats.bootstrapMedian(gains, BenchmarkSummary.cellSeed(first + "-" + second, b));
            boolean separated = interval.low() > 0 || interval.high() < 0;
            md.append(String.format(Locale.ROOT, ", then `%s`; paired gain %+.2f points [%+.2f, %+.2f]%s", second,
                    100 * Stats.median(gains), 100 * interval.low(), 100 * interval.high(),
                    separated ? "" : ", not separated (the interval holds 0)"));
        }
        md.append(".\n");
    }
}
