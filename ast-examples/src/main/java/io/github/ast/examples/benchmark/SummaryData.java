package io.github.ast.examples.benchmark;

import static io.github.ast.examples.benchmark.BenchmarkSummary.accuracyAt;
import static io.github.ast.examples.benchmark.BenchmarkSummary.cellSeed;
import static io.github.ast.examples.benchmark.SummaryCells.pct;
import static io.github.ast.examples.benchmark.SummaryCells.trim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary's figures as data for programs rather than people: the tables of results.json (per-seed values,
 * medians and intervals) and one results.csv row per evaluation, for spreadsheets.
 */
final class SummaryData {

    private SummaryData() {}

    /** One row per evaluation, for spreadsheets. */
    static String csv(BenchmarkSummary summary) {
        StringBuilder csv = new StringBuilder("arm,seed,scheduled_seconds,seconds,epoch,batches,forwarded,"
                + "backpropagated,learning_rate,test_accuracy,test_loss,validation_accuracy,validation_loss\n");
        for (RunRecord run : summary.runs()) {
            for (Evaluation e : run.evaluations()) {
                csv.append(String.format(Locale.ROOT, "%s,%d,%.3f,%.3f,%d,%d,%d,%d,%.6g,%.4f,%.4f,%.4f,%.4f%n",
                        run.arm(), run.seed(), e.scheduledSeconds(), e.seconds(), e.epoch(), e.batches(),
                        e.forwarded(), e.backpropagated(), e.learningRate(), e.testAccuracy(), e.testLoss(),
                        e.validationAccuracy(), e.validationLoss()));
            }
        }
        return csv.toString();
    }

    /** The summary's figures as data, for results.json. */
    static Map<String, Object> tables(BenchmarkSummary summary) {
        List<String> arms = summary.arms();
        Map<String, Object> perArm = new LinkedHashMap<>();
        for (String arm : arms) {
            Map<String, Object> toTarget = new LinkedHashMap<>();
            for (double t : summary.targets()) {
                Map<String, Object> cell = medianCell("seconds", summary.timesTo(arm, t), cellSeed(arm, t));
                String best = summary.bestRandom(t);
                if (best != null && !best.equals(arm)) {
                    cell.put("bestRandom", best);
                    cell.put("speedUpVsBestRandom", summary.paired(arm, best, t));
                }
                if (arms.contains("full") && !arm.equals("full")) {
                    cell.put("speedUpVsFull", summary.paired(arm, "full", t));
                }
                toTarget.put(pct(t), cell);
            }
            Map<String, Object> atTime = new LinkedHashMap<>();
            Map<String, Object> validationAtTime = new LinkedHashMap<>();
            for (double b : summary.budgets()) {
                atTime.put(trim(b), medianCell("accuracy", summary.metric(arm, accuracyAt(Evaluation::testAccuracy,
                        b)), cellSeed(arm, b)));
                validationAtTime.put(trim(b), medianCell("accuracy", summary.metric(arm,
                        accuracyAt(Evaluation::validationAccuracy, b)), cellSeed(arm, b)));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seeds", summary.runsOf(arm).stream().map(RunRecord::seed).toList());
            row.put("timeToTarget", toTarget);
            row.put("accuracyAt", atTime);
            row.put("validationAccuracyAt", validationAtTime);
            perArm.put(arm, row);
        }
        return perArm;
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
}
