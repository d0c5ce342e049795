package io.github.ast.examples.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What people read from a benchmark's runs, all computed from the runs themselves: time to each target (median over
 * seeds, bootstrap 95% interval, censored runs counted), test and validation accuracy at several training times,
 * each arm's paired speed-up against the best random control and against full data, what each arm did with its
 * budget, and who is ahead at each target and time.
 */
final class BenchmarkSummary {

    private final List<RunRecord> runs;
    private final List<String> arms;
    private final double[] targets;
    private final double[] budgets;

    /**
     * Creates a summary.
     *
     * @param runs the finished runs
     * @param arms the arms in the order to show them; arms of the runs missing from it follow in run order
     * @param targets test-accuracy targets, in [0, 1]
     * @param budgets training-time points for the accuracy table, in seconds
     */
    BenchmarkSummary(List<RunRecord> runs, List<String> arms, double[] targets, double[] budgets) {
        this.runs = List.copyOf(runs);
        List<String> order = new ArrayList<>(arms);
        runs.stream().map(RunRecord::arm).filter(a -> !order.contains(a)).distinct().forEach(order::add);
        this.arms = order.stream().filter(a -> runs.stream().anyMatch(r -> r.arm().equals(a))).toList();
        this.targets = targets.clone();
        this.budgets = budgets.clone();
    }

    List<String> arms() {
        return arms;
    }

    List<RunRecord> runsOf(String arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    private double[] metric(String arm, ToDoubleFunction<RunRecord> metric) {
        return runsOf(arm).stream().mapToDouble(metric).toArray();
    }

    private double[] timesTo(String arm, double target) {
        return metric(arm, r -> r.secondsTo(target));
    }

    /** A deterministic bootstrap seed per table cell, so that re-rendering gives the same intervals. */
    private static long cellSeed(String arm, double x) {
        return arm.hashCode() * 31L + Double.hashCode(x);
    }

    /**
     * Returns the random control that reached a target soonest: lowest median time, then most seeds that reached
     * it, then lowest mean of the finite times; null if no random control ran.
     *
     * @param target the accuracy target
     * @return the arm's label, or null
     */
    String bestRandom(double target) {
        Comparator<String> soonest = Comparator.comparingDouble((String a) -> Stats.median(timesTo(a, target)))
                .thenComparingLong(a -> -Arrays.stream(timesTo(a, target)).filter(Double::isFinite).count())
                .thenComparingDouble(a -> Arrays.stream(timesTo(a, target)).filter(Double::isFinite).average()
                        .orElse(Double.POSITIVE_INFINITY));
        return arms.stream().filter(a -> Arm.parse(a, 0.1).isRandomControl()).min(soonest).orElse(null);
    }

    /**
     * A paired speed-up: per seed both ran, control time over method time to the target; median and interval.
     *
     * @param values the per-seed ratios (NaN where neither reached the target)
     * @param median their median ({@link Stats#medianRatio})
     * @param interval its bootstrap interval
     */
    record Paired(double[] values, double median, Stats.Interval interval) {

        long used() {
            return Arrays.stream(values).filter(v -> !Double.isNaN(v)).count();
        }
    }

    Paired paired(String method, String control, double target) {
        List<Double> ratios = new ArrayList<>();
        for (RunRecord run : runsOf(method)) {
            runsOf(control).stream().filter(c -> c.seed() == run.seed()).findFirst()
                    .ifPresent(c -> ratios.add(Stats.speedUp(c.secondsTo(target), run.secondsTo(target))));
        }
        double[] values = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        return new Paired(values, Stats.medianRatio(values),
                Stats.bootstrapMedianRatio(values, cellSeed(method + "/" + control, target)));
    }

    String markdown() {
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
        for (String arm : arms) {
            md.append("| ").append(arm).append(" | ").append(runsOf(arm).size()).append(" |");
            for (double t : targets) {
                double[] times = timesTo(arm, t);
                md.append(' ').append(timeCell(times, Stats.bootstrapMedian(times, cellSeed(arm, t)))).append(" |");
            }
            md.append('\n');
        }
        md.append(accuracyTable("Test accuracy at a training time", "", Evaluation::testAccuracy, false));
        md.append(accuracyTable("Validation accuracy at a training time", " (the split to choose settings on, so "
                + "that the test split stays for the report; best: each run's best evaluation)",
                Evaluation::validationAccuracy, true));
        md.append(ratioTable());
        md.append(costTable());
        md.append(leaders());
        return md.toString();
    }

    /**
     * Median accuracy on one split at each training time, and optionally of each run's best evaluation (not for the
     * test split: the best of many test evaluations is picked on the test split).
     *
     * @param title the table's bold title
     * @param note text after the title, or empty
     * @param split which accuracy of an evaluation
     * @param best whether to add the column of each run's best evaluation
     */
    private String accuracyTable(String title, String note, ToDoubleFunction<Evaluation> split, boolean best) {
        StringBuilder md = new StringBuilder("\n**").append(title).append("**").append(note).append("\n\n| arm |");
        for (double b : budgets) {
            md.append(' ').append(trim(b)).append(" s |");
        }
        md.append(best ? " best |" : "").append("\n|---|").append("---|".repeat(budgets.length + (best ? 1 : 0)))
                .append('\n');
        for (String arm : arms) {
            md.append("| ").append(arm).append(" |");
            for (double b : budgets) {
                md.append(' ').append(accuracyCell(arm, accuracyAt(split, b), b)).append(" |");
            }
            if (best) {
                md.append(' ').append(accuracyCell(arm, r -> r.evaluations().stream().mapToDouble(split).max()
                        .orElse(Double.NaN), -1)).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private String ratioTable() {
        boolean hasFull = arms.contains("full");
        StringBuilder md = new StringBuilder("\n**Paired speed-up to each target** (per seed, the control's time "
                + "over the arm's; the median, its interval and the seeds used; > 1: the arm is faster; ∞: only the "
                + "arm reached it; 0: only the control did; seeds where neither did are left out)\n\n| arm |");
        int columns = 0;
        for (double t : targets) {
            String best = bestRandom(t);
            if (best != null) {
                md.append(' ').append(pct(t)).append(" vs best random (").append(best).append(") |");
                columns++;
            }
            if (hasFull) {
                md.append(' ').append(pct(t)).append(" vs full |");
                columns++;
            }
        }
        md.append("\n|---|").append("---|".repeat(columns)).append('\n');
        for (String arm : arms) {
            md.append("| ").append(arm).append(" |");
            for (double t : targets) {
                String best = bestRandom(t);
                if (best != null) {
                    md.append(' ').append(arm.equals(best) ? "—" : ratioCell(paired(arm, best, t))).append(" |");
                }
                if (hasFull) {
                    md.append(' ').append(arm.equals("full") ? "—" : ratioCell(paired(arm, "full", t))).append(" |");
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    private String costTable() {
        StringBuilder md = new StringBuilder("\n**What each arm did with its budget** (medians over seeds)\n\n"
                + "| arm | epochs | steps | samples forwarded / s | back-propagated / s | back-propagated vs full |"
                + " final test acc. | wall s per run |\n|---|---|---|---|---|---|---|---|\n");
        double fullRate = arms.contains("full") ? Stats.median(metric("full", BenchmarkSummary::backpropPerSecond))
                : Double.NaN;
        for (String arm : arms) {
            double rate = Stats.median(metric(arm, BenchmarkSummary::backpropPerSecond));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", arm,
                    num(Stats.median(metric(arm, RunRecord::epochs)), "%.0f"),
                    num(Stats.median(metric(arm, r -> r.last().batches())), "%.0f"),
                    num(Stats.median(metric(arm, r -> r.last().forwarded() / r.last().seconds())), "%.0f"),
                    num(rate, "%.0f"), num(rate / fullRate, "%.2f×"),
                    num(100 * Stats.median(metric(arm, r -> r.last().testAccuracy())), "%.2f%%"),
                    num(Stats.median(metric(arm, RunRecord::wallSeconds)), "%.0f")));
        }
        double wall = runs.stream().mapToDouble(RunRecord::wallSeconds).sum();
        md.append(String.format(Locale.ROOT, "%n%d runs, %.0f min of wall-clock time in all (training and "
                + "evaluation; start-up and JIT warm-up not counted).%n", runs.size(), wall / 60));
        md.append(processors());
        return md.toString();
    }

    /**
     * Names the seeds timed on each processor when there was more than one: each seed's arms run in one piece, so
     * paired ratios stay within one machine, but medians of absolute times then mix machines.
     */
    private String processors() {
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

    /**
     * Who is ahead, generated from the runs: per target the arm with the lowest median time and its paired speed-up
     * over the runner-up; per training time the arm with the highest median accuracy and its paired gain.
     */
    private String leaders() {
        StringBuilder md = new StringBuilder("\n**Who is ahead** (generated from the runs)\n\n");
        if (arms.isEmpty()) {
            return md.append("No run has finished.\n").toString();
        }
        for (double t : targets) {
            List<String> ranked = arms.stream().sorted(Comparator.comparingDouble(
                    (String a) -> Stats.median(timesTo(a, t)))).toList();
            String first = ranked.get(0);
            double best = Stats.median(timesTo(first, t));
            if (Double.isInfinite(best)) {
                md.append("- ").append(pct(t)).append(": no arm's median run reached it.\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "- %s: fastest `%s` (median %.0f s)", pct(t), first, best));
            if (ranked.size() > 1) {
                String second = ranked.get(1);
                double next = Stats.median(timesTo(second, t));
                Paired paired = paired(first, second, t);
                boolean separated = paired.interval().low() > 1 || paired.interval().high() < 1;
                md.append(String.format(Locale.ROOT, ", then `%s` (%s); paired speed-up of `%s` over `%s`: %s%s",
                        second, Double.isInfinite(next) ? "median not reached"
                                : String.format(Locale.ROOT, "median %.0f s", next),
                        first, second, ratioCell(paired), separated ? "" : ", not separated (the interval holds 1)"));
            }
            md.append(".\n");
        }
        for (double b : budgets) {
            List<String> ranked = arms.stream().sorted(Comparator.comparingDouble(
                    (String a) -> -Stats.median(metric(a, accuracyAt(Evaluation::testAccuracy, b))))).toList();
            String first = ranked.get(0);
            md.append(String.format(Locale.ROOT, "- at %s s: most accurate `%s` (%s)", trim(b), first,
                    accuracyCell(first, accuracyAt(Evaluation::testAccuracy, b), b)));
            if (ranked.size() > 1) {
                String second = ranked.get(1);
                double[] gains = pairedDifference(first, second, accuracyAt(Evaluation::testAccuracy, b));
                Stats.Interval interval = Stats.bootstrapMedian(gains, cellSeed(first + "-" + second, b));
                boolean separated = interval.low() > 0 || interval.high() < 0;
                md.append(String.format(Locale.ROOT, ", then `%s`; paired gain %+.2f points [%+.2f, %+.2f]%s", second,
                        100 * Stats.median(gains), 100 * interval.low(), 100 * interval.high(),
                        separated ? "" : ", not separated (the interval holds 0)"));
            }
            md.append(".\n");
        }
        return md.toString();
    }

    /** Per seed both arms ran: the first arm's value minus the second's. */
    private double[] pairedDifference(String first, String second, ToDoubleFunction<RunRecord> metric) {
        List<Double> differences = new ArrayList<>();
        for (RunRecord run : runsOf(first)) {
            runsOf(second).stream().filter(c -> c.seed() == run.seed()).findFirst()
                    .ifPresent(c -> differences.add(metric.applyAsDouble(run) - metric.applyAsDouble(c)));
        }
        return differences.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static ToDoubleFunction<RunRecord> accuracyAt(ToDoubleFunction<Evaluation> split, double seconds) {
        return r -> r.accuracyAt(split, seconds);
    }

    private static double backpropPerSecond(RunRecord run) {
        return run.last().backpropagated() / run.last().seconds();
    }

    private static String timeCell(double[] times, Stats.Interval interval) {
        long censored = Arrays.stream(times).filter(Double::isInfinite).count();
        double median = Stats.median(times);
        if (Double.isInfinite(median)) {
            return String.format(Locale.ROOT, "not reached in %d of %d", censored, times.length);
        }
        String cell = String.format(Locale.ROOT, "%.0f s [%s, %s]", median, seconds(interval.low()),
                seconds(interval.high()));
        return censored == 0 ? cell : cell + String.format(Locale.ROOT, " (not reached in %d of %d)", censored,
                times.length);
    }

    private static String seconds(double s) {
        return Double.isInfinite(s) ? "∞" : String.format(Locale.ROOT, "%.0f", s);
    }

    private String accuracyCell(String arm, ToDoubleFunction<RunRecord> metric, double cell) {
        double[] accuracy = metric(arm, metric);
        double median = Stats.median(accuracy);
        if (Double.isNaN(median)) {
            return "n/a";
        }
        Stats.Interval interval = Stats.bootstrapMedian(accuracy, cellSeed(arm, cell));
        return String.format(Locale.ROOT, "%.2f%% [%.2f, %.2f]", 100 * median, 100 * interval.low(),
                100 * interval.high());
    }

    private static String ratioCell(Paired paired) {
        if (Double.isNaN(paired.median())) {
            return "n/a (neither reached it)";
        }
        return String.format(Locale.ROOT, "%s× [%s, %s] (n=%d)", ratio(paired.median()),
                ratio(paired.interval().low()), ratio(paired.interval().high()), paired.used());
    }

    private static String ratio(double r) {
        return Double.isInfinite(r) ? "∞" : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String pct(double t) {
        return trim(100 * t) + "%";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    /** One row per evaluation, for spreadsheets. */
    String csv() {
        StringBuilder csv = new StringBuilder("arm,seed,scheduled_seconds,seconds,epoch,batches,forwarded,"
                + "backpropagated,learning_rate,test_accuracy,test_loss,validation_accuracy,validation_loss\n");
        for (RunRecord run : runs) {
            for (Evaluation e : run.evaluations()) {
                csv.append(String.format(Locale.ROOT, "%s,%d,%.3f,%.3f,%d,%d,%d,%d,%.6g,%.4f,%.4f,%.4f,%.4f%n",
                        run.arm(), run.seed(), e.scheduledSeconds(), e.seconds(), e.epoch(), e.batches(),
                        e.forwarded(), e.backpropagated(), e.learningRate(), e.testAccuracy(), e.testLoss(),
                        e.validationAccuracy(), e.validationLoss()));
            }
        }
        return csv.toString();
    }

    /** One table cell as data: the per-seed values under {@code name}, their median and its interval. */
    private static Map<String, Object> medianCell(String name, double[] values, long seed) {
        Stats.Interval interval = Stats.bootstrapMedian(values, seed);
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put(name, values);
        cell.put("median", Stats.median(values));
        cell.put("low", interval.low());
        cell.put("high", interval.high());
        return cell;
    }

    /** The summary's figures as data, for results.json. */
    Map<String, Object> tables() {
        Map<String, Object> perArm = new LinkedHashMap<>();
        for (String arm : arms) {
            Map<String, Object> toTarget = new LinkedHashMap<>();
            for (double t : targets) {
                Map<String, Object> cell = medianCell("seconds", timesTo(arm, t), cellSeed(arm, t));
                String best = bestRandom(t);
                if (best != null && !best.equals(arm)) {
                    cell.put("bestRandom", best);
                    cell.put("speedUpVsBestRandom", paired(arm, best, t));
                }
                if (arms.contains("full") && !arm.equals("full")) {
                    cell.put("speedUpVsFull", paired(arm, "full", t));
                }
                toTarget.put(pct(t), cell);
            }
            Map<String, Object> atTime = new LinkedHashMap<>();
            Map<String, Object> validationAtTime = new LinkedHashMap<>();
            for (double b : budgets) {
                atTime.put(trim(b), medianCell("accuracy", metric(arm, accuracyAt(Evaluation::testAccuracy, b)),
                        cellSeed(arm, b)));
                validationAtTime.put(trim(b), medianCell("accuracy", metric(arm,
                        accuracyAt(Evaluation::validationAccuracy, b)), cellSeed(arm, b)));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seeds", runsOf(arm).stream().map(RunRecord::seed).toList());
            row.put("timeToTarget", toTarget);
            row.put("accuracyAt", atTime);
            row.put("validationAccuracyAt", validationAtTime);
            perArm.put(arm, row);
        }
        return perArm;
    }
}
