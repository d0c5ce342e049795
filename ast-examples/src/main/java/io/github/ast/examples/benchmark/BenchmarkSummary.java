package io.github.ast.examples.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * What people read from a benchmark's runs, all computed from the runs themselves: time to each target (median over
 * seeds, bootstrap 95% interval, censored runs counted), test and validation accuracy at several training times,
 * each arm's paired speed-up against the best random control and against full data, what each arm did with its
 * budget, and who is ahead at each target and time.
 *
 * <p>This class holds the runs and the figures the tables share (per-arm metrics, paired comparisons, the best random
 * control, the bootstrap seed of each cell); each table is rendered by its own class, its cells by
 * {@link SummaryCells}, and {@link SummaryData} gives the figures as data.
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

    /** {@return the arms that ran, in the order to show them} */
    List<String> arms() {
        return arms;
    }

    /** {@return every finished run} */
    List<RunRecord> runs() {
        return runs;
    }

    /** {@return the test-accuracy targets} */
    double[] targets() {
        return targets.clone();
    }

    /** {@return the training times of the accuracy tables, in seconds} */
    double[] budgets() {
        return budgets.clone();
    }

    List<RunRecord> runsOf(String arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /** {@return the metric of each of the arm's runs} */
    double[] metric(String arm, ToDoubleFunction<RunRecord> metric) {
        return runsOf(arm).stream().mapToDouble(metric).toArray();
    }

    /** {@return the training seconds each of the arm's runs took to the target, infinite where never} */
    double[] timesTo(String arm, double target) {
        return metric(arm, r -> r.secondsTo(target));
    }

    /** A deterministic bootstrap seed per table cell, so that re-rendering gives the same intervals. */
    static long cellSeed(String arm, double x) {
        return arm.hashCode() * 31L + Double.hashCode(x);
    }

    /** {@return a run's test or validation accuracy at a training time} */
    static ToDoubleFunction<RunRecord> accuracyAt(ToDoubleFunction<Evaluation> split, double seconds) {
        return r -> r.accuracyAt(split, seconds);
    }

    /**
     * Returns the random control that reached a target soonest: lowest median time, then most seeds that reached
     * it, then lowest mean of the finite times; null if no random control ran.
     *
     * @param target the accuracy target
     * @return the arm's label, or null
     */
    String bestRandom(double target) {
        return soonest(target, Arm::isRandomControl);
    }

    /**
     * Returns the practitioner's remedy (class-balanced batches, logit adjustment, deduplication, fine-tuning or early
     * stopping on a clean holdout) that reached a target soonest, ranked as {@link #bestRandom}; null if none ran.
     *
     * @param target the accuracy target
     * @return the arm's label, or null
     */
    String bestBaseline(double target) {
        return soonest(target, Arm::isPractitionerBaseline);
    }

    private String soonest(double target, Predicate<Arm> kind) {
        Comparator<String> soonest = Comparator.comparingDouble((String a) -> Stats.median(timesTo(a, target)))
                .thenComparingLong(a -> -Arrays.stream(timesTo(a, target)).filter(Double::isFinite).count())
                .thenComparingDouble(a -> Arrays.stream(timesTo(a, target)).filter(Double::isFinite).average()
                        .orElse(Double.POSITIVE_INFINITY));
        return arms.stream().filter(a -> kind.test(Arm.parse(a, 0.1))).min(soonest).orElse(null);
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
        double[] values = perSeed(method, control, (run, c) -> Stats.speedUp(c.secondsTo(target),
                run.secondsTo(target)));
        return new Paired(values, Stats.medianRatio(values),
                Stats.bootstrapMedianRatio(values, cellSeed(method + "/" + control, target)));
    }

    /** Per seed both arms ran: the first arm's value minus the second's. */
    double[] pairedDifference(String first, String second, ToDoubleFunction<RunRecord> metric) {
        return perSeed(first, second, (run, c) -> metric.applyAsDouble(run) - metric.applyAsDouble(c));
    }

    /** Per seed both arms ran, in the order of the first arm's runs: a figure of its run and the second arm's. */
    private double[] perSeed(String first, String second, ToDoubleBiFunction<RunRecord, RunRecord> figure) {
        List<Double> values = new ArrayList<>();
        for (RunRecord run : runsOf(first)) {
            runsOf(second).stream().filter(c -> c.seed() == run.seed()).findFirst()
                    .ifPresent(c -> values.add(figure.applyAsDouble(run, c)));
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@return the summary's Markdown: a note on how times are read, then every table} */
    String markdown() {
        return TimeToTargetTable.markdown(this)
                + AccuracyTable.markdown(this, "Test accuracy at a training time", "", Evaluation::testAccuracy, false)
                + AccuracyTable.markdown(this, "Validation accuracy at a training time", " (the split to choose "
                        + "settings on, so that the test split stays for the report; best: each run's best "
                        + "evaluation)", Evaluation::validationAccuracy, true)
                + classTables() + SpeedUpTable.markdown(this) + CostTable.markdown(this) + Leaders.markdown(this);
    }

    /** On a long tail: the worst class's and the rarer half's test accuracy at each time; empty otherwise. */
    private String classTables() {
        boolean longTail = runs.stream().anyMatch(r -> r.last().tailAccuracy() > 0);
        return !longTail ? "" : AccuracyTable.markdown(this, "Worst-class test accuracy at a training time", "",
                Evaluation::worstClassAccuracy, false)
                + AccuracyTable.markdown(this, "Tail test accuracy at a training time", " (mean over the rarer half "
                        + "of the classes)", Evaluation::tailAccuracy, false);
    }
}
