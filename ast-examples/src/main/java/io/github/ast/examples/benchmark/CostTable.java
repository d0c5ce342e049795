package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.SummaryCells.num;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The summary's table of what each arm did with its budget (epochs, steps, samples forwarded and back-propagated per
 * second, final accuracy, wall time), then the wall-clock total and, where runs were timed on more than one
 * processor, which seeds ran where: the costs behind the speed-ups.
 */
final class CostTable {

    private CostTable() {}

    static String markdown(BenchmarkSummary summary) {
        StringBuilder md = new StringBuilder("\n**What each arm did with its budget** (medians over seeds)\n\n"
                + "| arm | epochs | steps | samples forwarded / s | back-propagated / s | back-propagated vs full |"
                + " final test acc. | wall s per run |\n|---|---|---|---|---|---|---|---|\n");
        double fullRate = summary.arms().contains("full")
                ? Stats.median(summary.metric("full", CostTable::backpropPerSecond)) : Double.NaN;
        for (String arm : summary.arms()) {
            double rate = Stats.median(summary.metric(arm, CostTable::backpropPerSecond));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", arm,
                    num(Stats.median(summary.metric(arm, RunRecord::epochs)), "%.0f"),
                    num(Stats.median(summary.metric(arm, r -> r.last().batches())), "%.0f"),
                    num(Stats.median(summary.metric(arm, r -> r.last().forwarded() / r.last().seconds())), "%.0f"),
                    num(rate, "%.0f"), num(rate / fullRate, "%.2f×"),
                    num(100 * Stats.median(summary.metric(arm, r -> r.last().testAccuracy())), "%.2f%%"),
                    num(Stats.median(summary.metric(arm, RunRecord::wallSeconds)), "%.0f")));
        }
        List<RunRecord> runs = summary.runs();
        double wall = runs.stream().mapToDouble(RunRecord::wallSeconds).sum();
        md.append(String.format(Locale.ROOT, "%n%d runs, %.0f min of wall-clock time in all (training and "
                + "evaluation; start-up and JIT warm-up not counted).%n", runs.size(), wall / 60));
        md.append(processors(runs));
        return md.toString();
    }

    private static double backpropPerSecond(RunRecord run) {
        return run.last().backpropagated() / run.last().seconds();
    }

    /**
     * Names the seeds timed on each processor when there was more than one: each seed's arms run in one piece, so
     * paired ratios stay within one machine, but medians of absolute times then mix machines.
     */
    private static String processors(List<RunRecord> runs) {
        Map<String, TreeSet<Long>> seeds = new TreeMap<>();
        for (RunRecord run : runs) {
            String processor = run.processor() != null ? run.processor() : "not recorded (runs before it was)";
            seeds.computeIfAbsent(processor, p -> new TreeSet<>()).add(run.seed());
        }
        if (seeds.size() < 2) {
            return "";
        }
        StringBuilder text = new StringBuilder("\nRuns were timed on more than one processor (paired ratios compare "
                + "arms of one seed, timed on one machine; medians of absolute times mix machines): ");
        text.append(String.join("; ", seeds.entrySet().stream().map(e -> (e.getValue().size() == 1 ? "seed "
                : "seeds ") + e.getValue().stream()
                .map(String::valueOf).collect(Collectors.joining(", ")) + " on " + e.getKey())
                .toList()));
        return text.append(".\n").toString();
    }
}
