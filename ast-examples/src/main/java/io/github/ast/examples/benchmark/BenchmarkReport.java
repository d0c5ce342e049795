package io.github.ast.examples.benchmark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.core.AstConfig;
import io.github.ast.core.Provenance;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns benchmark runs into what people read: medians over seeds, ratios to full-data training measured in the
 * same invocation, a Markdown table, CSV and JSON for machines, and PNG plots.
 */
final class BenchmarkReport {

    private final List<RunResult> runs;
    private final Map<String, Object> setup;
    private final double[] targets;
    private final double targetRate;
    private final List<Double> scoringPassSeconds;

    BenchmarkReport(List<RunResult> runs, Map<String, Object> setup, double[] targets, double targetRate,
            List<Double> scoringPassSeconds) {
        this.runs = List.copyOf(runs);
        this.setup = setup;
        this.targets = targets.clone();
        this.targetRate = targetRate;
        this.scoringPassSeconds = List.copyOf(scoringPassSeconds);
    }

    /** Writes results.json, results.csv, summary.md and the plots into a directory. */
    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        Map<String, Object> json = new LinkedHashMap<>(setup);
        json.put("scoringPassSeconds", scoringPassSeconds);
        json.put("runs", runs);
        Files.writeString(directory.resolve("results.json"), gson.toJson(json));
        Files.writeString(directory.resolve("results.csv"), csv());
        Files.writeString(directory.resolve("summary.md"), markdown());
        accuracyChart(directory.resolve("accuracy.png"));
        activationChart(directory.resolve("activation.png"));
        thresholdChart(directory.resolve("threshold.png"));
        energyChart(directory.resolve("energy.png"));
    }

    private String csv() {
        StringBuilder csv = new StringBuilder("method,seed,epoch,epoch_seconds,cumulative_seconds,test_accuracy,"
                + "activation,backprop_samples,gflop,joules\n");
        for (RunResult run : runs) {
            for (EpochPoint e : run.epochs()) {
                csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.3f,%.3f,%.4f,%.4f,%d,%.3f,%.1f%n",
                        run.method().label(), run.seed(), e.epoch(), e.epochSeconds(), e.cumulativeSeconds(),
                        e.testAccuracy(), e.activation(), e.backpropSamples(), e.gflop(), e.joules()));
            }
        }
        return csv.toString();
    }

    /** Returns the methods present, in the enum's order. */
    private List<Method> methods() {
        return Arrays.stream(Method.values()).filter(m -> runs.stream().anyMatch(r -> r.method() == m)).toList();
    }

    private List<RunResult> runsOf(Method method) {
        return runs.stream().filter(r -> r.method() == method).toList();
    }

    private double median(Method method, ToDoubleFunction<RunResult> metric) {
        return median(runsOf(method).stream().mapToDouble(metric).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double medianEpochSeconds(RunResult run) {
        return median(run.epochs().stream().mapToDouble(EpochPoint::epochSeconds).toArray());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| method | seeds | epochs | final test acc. | best test acc. |");
        for (double t : targets) {
            md.append(String.format(Locale.ROOT, " time to %.0f%% |", 100 * t));
        }
        md.append(" train s / epoch | epoch time vs full | activation | back-propagated / epoch | GFLOP / epoch "
                + "(scoring incl.) | measured J / epoch |\n|---|---|---|---|---|");
        md.append("---|".repeat(targets.length)).append("---|---|---|---|---|---|\n");
        double fullEpoch = methods().contains(Method.FULL) ? median(Method.FULL, BenchmarkReport::medianEpochSeconds)
                : Double.NaN;
        for (Method method : methods()) {
            List<RunResult> of = runsOf(method);
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f%% | %.2f%% |", method.label(), of.size(),
                    fmt(median(method, r -> r.epochs().size()), "%.0f"),
                    100 * median(method, r -> r.last().testAccuracy()),
                    100 * median(method, r -> r.epochs().stream().mapToDouble(EpochPoint::testAccuracy).max()
                            .orElse(Double.NaN))));
            for (double t : targets) {
                double s = median(method, r -> r.secondsTo(t));
                md.append(Double.isInfinite(s) ? " not reached |" : String.format(Locale.ROOT, " %.0f s |", s));
            }
            double epochSeconds = median(method, BenchmarkReport::medianEpochSeconds);
            md.append(String.format(Locale.ROOT, " %.2f | %.2f× | %.1f%% | %s | %s | %s |%n", epochSeconds,
                    epochSeconds / fullEpoch, 100 * median(method, r -> r.last().activation()),
                    fmt(median(method, r -> (double) r.last().backpropSamples() / r.epochs().size()), "%.0f"),
                    fmt(median(method, r -> r.last().gflop() / r.epochs().size()), "%.1f"),
                    fmt(median(method, r -> r.last().joules() / r.epochs().size()), "%.0f")));
        }
        md.append(limits(fullEpoch));
        return md.toString();
    }

    /** The measured per-epoch speed-ups next to the bounds 1/(f + r) (fresh scoring) and 1/r (no scoring). */
    private String limits(double fullEpoch) {
        if (Double.isNaN(fullEpoch) || scoringPassSeconds.isEmpty()) {
            return "";
        }
        double f = median(scoringPassSeconds.stream().mapToDouble(Double::doubleValue).toArray()) / fullEpoch;
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nScoring pass over the training set: "
                + "%.2f s, f = %.2f of a full-data epoch (%.2f s). Per-epoch speed-up bounds at r = %.2f: "
                + "fresh scoring 1/(f + r) = %.2f×, no scoring 1/r = %.2f×. Measured speed-ups (full epoch / method "
                + "epoch, sparse epochs only for history):", f * fullEpoch, f, fullEpoch, targetRate,
                1 / (f + targetRate), 1 / targetRate));
        for (Method method : methods()) {
            double epoch = median(method, r -> median(r.epochs().stream()
                    .filter(e -> method != Method.HISTORY || e.epoch() > 1).mapToDouble(EpochPoint::epochSeconds)
                    .toArray()));
            md.append(String.format(Locale.ROOT, " %s %.2f×;", method.label(), fullEpoch / epoch));
        }
        return md.append('\n').toString();
    }

    private static String fmt(double value, String format) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value);
    }

    private void accuracyChart(Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Test accuracy vs training time (median of seeds)")
                .xAxisTitle("training seconds (evaluation excluded)").yAxisTitle("test accuracy").build();
        chart.getStyler().setMarkerSize(5);
        for (Method method : methods()) {
            List<RunResult> of = runsOf(method);
            int epochs = of.stream().mapToInt(r -> r.epochs().size()).min().orElse(0);
            double[] x = new double[epochs];
            double[] y = new double[epochs];
            for (int i = 0; i < epochs; i++) {
                int index = i;
                x[i] = median(of.stream().mapToDouble(r -> r.epochs().get(index).cumulativeSeconds()).toArray());
                y[i] = median(of.stream().mapToDouble(r -> r.epochs().get(index).testAccuracy()).toArray());
            }
            if (epochs > 0) {
                chart.addSeries(method.label(), x, y);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private List<RunResult> firstSeedTraces() {
        List<RunResult> traced = new ArrayList<>();
        for (Method method : methods()) {
            runsOf(method).stream().filter(r -> !r.gateRates().isEmpty()).findFirst().ifPresent(traced::add);
        }
        return traced;
    }

    private void activationChart(Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(480)
                .title("Activation per batch, EMA(0.3), first seed").xAxisTitle("batch").yAxisTitle("activation rate")
                .build();
        chart.getStyler().setMarkerSize(0);
        int longest = 0;
        for (RunResult run : firstSeedTraces()) {
            if (run.method() == Method.AST_ALL) {
                continue;
            }
            double[] ema = new double[run.gateRates().size()];
            double smoothed = run.gateRates().get(0);
            for (int i = 0; i < ema.length; i++) {
                smoothed = 0.3 * run.gateRates().get(i) + 0.7 * smoothed;
                ema[i] = smoothed;
            }
            longest = Math.max(longest, ema.length);
            chart.addSeries(run.method().label(), ema).setMarker(SeriesMarkers.NONE);
        }
        if (longest > 0) {
            XYSeries target = chart.addSeries("target", new double[] {0, longest - 1},
                    new double[] {targetRate, targetRate});
            target.setMarker(SeriesMarkers.NONE);
            target.setLineColor(Color.BLACK);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private void thresholdChart(Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(480).title("Threshold per batch, first seed")
                .xAxisTitle("batch").yAxisTitle("threshold").build();
        chart.getStyler().setMarkerSize(0);
        for (RunResult run : firstSeedTraces()) {
            if (run.method() == Method.AST || run.method() == Method.HISTORY) {
                chart.addSeries(run.method().label(), run.thresholds().stream().mapToDouble(Double::doubleValue)
                        .toArray()).setMarker(SeriesMarkers.NONE);
            }
        }
        if (!chart.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private void energyChart(Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(480)
                .title("Compute per epoch (median of seeds), scoring pass included").xAxisTitle("method")
                .yAxisTitle("GFLOP per epoch").build();
        List<String> names = new ArrayList<>();
        List<Double> gflop = new ArrayList<>();
        for (Method method : methods()) {
            names.add(method.label());
            gflop.add(median(method, r -> r.last().gflop() / r.epochs().size()));
        }
        chart.addSeries("GFLOP / epoch", names, gflop);
        chart.getStyler().setLegendVisible(false);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Describes the benchmark's setup for the JSON file.
     *
     * @param command the command line
     * @param config the AST configuration
     * @param provenance the versions
     * @param extra model, data and budget
     * @return the setup map
     */
    static Map<String, Object> setup(String command, AstConfig config, Provenance provenance,
            Map<String, Object> extra) {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("command", command);
        setup.putAll(extra);
        setup.put("config", config.toProperties());
        setup.put("provenance", provenance);
        return setup;
    }
}
