package io.github.ast.examples.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What people read from a benchmark's runs, all computed from the runs themselves: time to each target (median over
 * seeds, bootstrap 95% interval, censored runs counted), accuracy at several budgets, each arm's paired speed-up
 * against the best random control and against full data, and what each arm cost in samples forwarded and
 * back-propagated per training second.
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
     * @param arms the arms in the order to show them (the order they were asked for)
     * @param targets test-accuracy targets, in [0, 1]
     * @param budgets training-time points for the accuracy table, in seconds
     */
    BenchmarkSummary(List<RunRecord> runs, List<String> arms, double[] targets, double[] budgets) {
        this.runs = List.copyOf(runs);
        this.arms = arms.stream().filter(a -> runs.stream().anyMatch(r -> r.arm().equals(a))).toList();
        this.targets = targets.clone();
        this.budgets = budgets.clone();
    }

    List<String> arms() {
        return arms;
    }

    List<RunRecord> runsOf(String arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /** The seeds every listed arm finished, the ones paired comparisons use. */
    private List<Long> seedsOf(String arm) {
        return runsOf(arm).stream().map(RunRecord::seed).toList();
    }

    private double[] metric(String arm, ToDoubleFunction<RunRecord> metric) {
        return runsOf(arm).stream().mapToDouble(metric).toArray();
    }

    /** A deterministic bootstrap seed per table cell, so that re-rendering gives the same intervals. */
    private static long cellSeed(String arm, double x) {
        return arm.hashCode() * 31L + Double.hashCode(x);
    }

    /**
     * Returns the random control that reached a target soonest (lowest median time, then lowest mean of finite
     * times), or null if no random control ran.
     */
    String bestRandom(double target) {
        String best = null;
        double bestMedian = Double.POSITIVE_INFINITY;
        double bestMean = Double.POSITIVE_INFINITY;
        for (String arm : arms) {
            if (!Arm.parse(arm, 0.1).isRandomControl()) {
                continue;
            }
            double[] times = metric(arm, r -> r.secondsTo(target));
            double median = Stats.median(times);
            double mean = Arrays.stream(times).filter(Double::isFinite).average().orElse(Double.POSITIVE_INFINITY);
            if (best == null || median < bestMedian || (median == bestMedian && mean < bestMean)) {
                best = arm;
                bestMedian = median;
                bestMean = mean;
            }
        }
        return best;
    }

    /**
     * A paired speed-up: per seed both ran, control time over method time to the target; median and interval.
     *
     * @param values the per-seed ratios (NaN where neither reached the target)
     * @param median their median
     * @param interval its bootstrap interval
     */
    record Paired(double[] values, double median, Stats.Interval interval) {}

    Paired paired(String method, String control, double target) {
        List<Double> ratios = new ArrayList<>();
        for (RunRecord run : runsOf(method)) {
            runsOf(control).stream().filter(c -> c.seed() == run.seed()).findFirst()
                    .ifPresent(c -> ratios.add(Stats.speedUp(c.secondsTo(target), run.secondsTo(target))));
        }
        double[] values = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        return new Paired(values, Stats.median(values),
                Stats.bootstrapMedian(values, cellSeed(method + "/" + control, target)));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Times are training seconds (evaluation excluded) at the first evaluation at or above the target; "
                + "medians over seeds with bootstrap 95% intervals in brackets; a run that never reached a target "
                + "is censored (counted as slower than every run that did), not dropped.\n\n");
        md.append("**Time to target test accuracy**\n\n| arm | seeds |");
        for (double t : targets) {
            md.append(String.format(Locale.ROOT, " %s |", pct(t)));
        }
        md.append("\n|---|---|").append("---|".repeat(targets.length)).append('\n');
        for (String arm : arms) {
            md.append("| ").append(arm).append(" | ").append(runsOf(arm).size()).append(" |");
            for (double t : targets) {
                double[] times = metric(arm, r -> r.secondsTo(t));
                md.append(' ').append(timeCell(times, Stats.bootstrapMedian(times, cellSeed(arm, t)))).append(" |");
            }
            md.append('\n');
        }
        md.append("\n**Test accuracy at a training time**\n\n| arm |");
        for (double b : budgets) {
            md.append(String.format(Locale.ROOT, " %s s |", trim(b)));
        }
        md.append(" best validation acc. |\n|---|").append("---|".repeat(budgets.length + 1)).append('\n');
        for (String arm : arms) {
            md.append("| ").append(arm).append(" |");
            for (double b : budgets) {
                double[] accuracy = metric(arm, r -> r.accuracyAt(b));
                md.append(' ').append(accuracyCell(accuracy, Stats.bootstrapMedian(accuracy, cellSeed(arm, b))))
                        .append(" |");
            }
            double[] validation = metric(arm, r -> r.evaluations().stream()
                    .mapToDouble(Evaluation::validationAccuracy).max().orElse(Double.NaN));
            md.append(' ').append(accuracyCell(validation, Stats.bootstrapMedian(validation, cellSeed(arm, -1))))
                    .append(" |\n");
        }
        md.append(ratioTable());
        md.append(costTable());
        return md.toString();
    }

    private String ratioTable() {
        boolean hasFull = arms.contains("full");
        StringBuilder md = new StringBuilder("\n**Paired speed-up to each target** (control's time over the arm's, "
                + "per seed, then the median; > 1: the arm is faster; ∞: only the arm reached it; 0: only the "
                + "control did; seeds where neither did are left out)\n\n| arm |");
        for (double t : targets) {
            String best = bestRandom(t);
            if (best != null) {
                md.append(String.format(Locale.ROOT, " %s vs best random (%s) |", pct(t), best));
            }
            if (hasFull) {
                md.append(String.format(Locale.ROOT, " %s vs full |", pct(t)));
            }
        }
        int columns = (int) Arrays.stream(targets).filter(t -> bestRandom(t) != null).count()
                + (hasFull ? targets.length : 0);
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
        return md.toString();
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

    private static String accuracyCell(double[] accuracy, Stats.Interval interval) {
        double median = Stats.median(accuracy);
        if (Double.isNaN(median)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f%% [%.2f, %.2f]", 100 * median, 100 * interval.low(),
                100 * interval.high());
    }

    private static String ratioCell(Paired paired) {
        if (Double.isNaN(paired.median())) {
            return "n/a (neither reached it)";
        }
        long used = Arrays.stream(paired.values()).filter(v -> !Double.isNaN(v)).count();
        return String.format(Locale.ROOT, "%s× [%s, %s] (n=%d)", ratio(paired.median()),
                ratio(paired.interval().low()), ratio(paired.interval().high()), used);
    }

    private static String ratio(double r) {
        return Double.isInfinite(r) ? "∞" : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String pct(double t) {
        return String.format(Locale.ROOT, "%s%%", trim(100 * t));
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

    /** The per-arm figures as data, for results.json. */
    Map<String, Object> tables() {
        Map<String, Object> perArm = new LinkedHashMap<>();
        for (String arm : arms) {
            Map<String, Object> row = new LinkedHashMap<>();
            Map<String, Object> toTarget = new LinkedHashMap<>();
            for (double t : targets) {
                double[] times = metric(arm, r -> r.secondsTo(t));
                Stats.Interval interval = Stats.bootstrapMedian(times, cellSeed(arm, t));
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("seconds", times);
                cell.put("median", Stats.median(times));
                cell.put("low", interval.low());
                cell.put("high", interval.high());
                String best = bestRandom(t);
                if (best != null && !best.equals(arm)) {
                    cell.put("speedUpVsBestRandom", paired(arm, best, t));
                    cell.put("bestRandom", best);
                }
                if (arms.contains("full") && !arm.equals("full")) {
                    cell.put("speedUpVsFull", paired(arm, "full", t));
                }
                toTarget.put(pct(t), cell);
            }
            row.put("timeToTarget", toTarget);
            Map<String, Object> atBudget = new LinkedHashMap<>();
            for (double b : budgets) {
                double[] accuracy = metric(arm, r -> r.accuracyAt(b));
                Stats.Interval interval = Stats.bootstrapMedian(accuracy, cellSeed(arm, b));
                atBudget.put(trim(b), Map.of("accuracy", accuracy, "median", Stats.median(accuracy), "low",
                        interval.low(), "high", interval.high()));
            }
            row.put("accuracyAt", atBudget);
            row.put("seeds", seedsOf(arm));
            perArm.put(arm, row);
        }
        return perArm;
    }
}
