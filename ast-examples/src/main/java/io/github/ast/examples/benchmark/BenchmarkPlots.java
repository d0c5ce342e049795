package io.github.ast.examples.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark's figures as PNG: accuracy against training time (median over seeds, the seeds' range as thin lines of
 * the same colour), time-to-target bars with their intervals, and AST's activation and threshold traces.
 */
final class BenchmarkPlots {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x393b79), new Color(0xad494a)};

    private final BenchmarkSummary summary;
    private final String title;
    private final double budget;
    private final double[] targets;

    BenchmarkPlots(BenchmarkSummary summary, String title, double budget, double[] targets) {
        this.summary = summary;
        this.title = title;
        this.budget = budget;
        this.targets = targets.clone();
    }

    /** Writes accuracy.png, time-to-target.png and, when AST arms ran, activation.png and threshold.png. */
    void write(Path directory) throws IOException {
        save(accuracy(), directory.resolve("accuracy.png"));
        save(timeToTarget(), directory.resolve("time-to-target.png"));
        XYChart activation = trace("Gate activation per batch (EMA 0.05), first seed", "activation rate", true);
        if (!activation.getSeriesMap().isEmpty()) {
            save(activation, directory.resolve("activation.png"));
            save(trace("Threshold per batch, first seed", "threshold", false), directory.resolve("threshold.png"));
        }
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private XYChart accuracy() {
        XYChart chart = new XYChartBuilder().width(1100).height(680)
                .title("Test accuracy vs training time — " + title + " (line: median of seeds; thin: min and max)")
                .xAxisTitle("training seconds (evaluation excluded)").yAxisTitle("test accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setXAxisDecimalPattern("#0.#");
        double floor = 1;
        int colour = 0;
        for (String arm : summary.arms()) {
            List<RunRecord> runs = summary.runsOf(arm);
            TreeSet<Double> times = new TreeSet<>();
            runs.forEach(r -> r.evaluations().forEach(e -> times.add(e.scheduledSeconds())));
            times.remove(0.0);
            List<Double> x = new ArrayList<>();
            List<Double> median = new ArrayList<>();
            List<Double> low = new ArrayList<>();
            List<Double> high = new ArrayList<>();
            for (double t : times) {
                double[] accuracy = runs.stream().mapToDouble(r -> r.accuracyAt(Evaluation::testAccuracy, t))
                        .toArray();
                x.add(t);
                median.add(Stats.median(accuracy));
                low.add(java.util.Arrays.stream(accuracy).min().orElse(Double.NaN));
                high.add(java.util.Arrays.stream(accuracy).max().orElse(Double.NaN));
            }
            if (x.isEmpty()) {
                continue;
            }
            floor = Math.min(floor, median.get(Math.min(1, median.size() - 1)));
            Color c = PALETTE[colour++ % PALETTE.length];
            XYSeries line = chart.addSeries(arm, x, median);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(c);
            line.setLineStyle(new BasicStroke(2.2f));
            for (List<Double> band : List.of(low, high)) {
                XYSeries edge = chart.addSeries(arm + (band == low ? " min" : " max"), x, band);
                edge.setMarker(SeriesMarkers.NONE);
                edge.setLineColor(c);
                edge.setLineStyle(new BasicStroke(0.6f));
                edge.setShowInLegend(false);
            }
        }
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(floor * 20) / 20 - 0.05));
        chart.getStyler().setYAxisMax(1.0);
        return chart;
    }

    /**
     * Median time to each target per arm (markers joined by a line) with its bootstrap interval (a vertical line), the
     * targets on the x axis, the arms slightly apart; a median or interval end not reached is drawn at the budget.
     */
    private XYChart timeToTarget() {
        XYChart chart = new XYChartBuilder().width(1100).height(620)
                .title("Time to target test accuracy — " + title + " (median, 95% interval; at the top: not reached)")
                .xAxisTitle("target test accuracy (%)").yAxisTitle("training seconds").build();
        List<String> arms = summary.arms();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(budget * 1.02);
        chart.getStyler().setXAxisDecimalPattern("#0.#");
        double gap = 1;
        for (int j = 1; j < targets.length; j++) {
            gap = Math.min(gap, Math.abs(targets[j] - targets[j - 1]) * 100);
        }
        double spread = 0.4 * gap;
        for (int i = 0; i < arms.size(); i++) {
            String arm = arms.get(i);
            double offset = (i - (arms.size() - 1) / 2.0) * spread / Math.max(1, arms.size());
            Color c = PALETTE[i % PALETTE.length];
            List<Double> x = new ArrayList<>();
            List<Double> medians = new ArrayList<>();
            for (double t : targets) {
                double[] times = summary.runsOf(arm).stream().mapToDouble(r -> r.secondsTo(t)).toArray();
                Stats.Interval interval = Stats.bootstrapMedian(times, arm.hashCode() * 31L + Double.hashCode(t));
                double at = 100 * t + offset;
                x.add(at);
                medians.add(Math.min(budget, Stats.median(times)));
                XYSeries range = chart.addSeries(arm + " " + t, List.of(at, at),
                        List.of(Math.min(budget, interval.low()), Math.min(budget, interval.high())));
                range.setMarker(SeriesMarkers.NONE);
                range.setLineColor(c);
                range.setLineStyle(new BasicStroke(1.2f));
                range.setShowInLegend(false);
            }
            XYSeries points = chart.addSeries(arm, x, medians);
            points.setMarker(SeriesMarkers.CIRCLE);
            points.setMarkerColor(c);
            points.setLineColor(c);
            points.setLineStyle(new BasicStroke(1.6f));
        }
        return chart;
    }

    private XYChart trace(String chartTitle, String axis, boolean activation) {
        XYChart chart = new XYChartBuilder().width(1100).height(480).title(chartTitle + " — " + title)
                .xAxisTitle("batch").yAxisTitle(axis).build();
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        int colour = 0;
        for (String arm : summary.arms()) {
            List<RunRecord> runs = summary.runsOf(arm);
            if (runs.isEmpty() || runs.get(0).gateRates().isEmpty()) {
                continue;
            }
            List<Float> values = activation ? runs.get(0).gateRates() : runs.get(0).thresholds();
            int step = Math.max(1, values.size() / 2000);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            double smoothed = values.get(0);
            for (int i = 0; i < values.size(); i++) {
                smoothed = activation ? 0.05 * values.get(i) + 0.95 * smoothed : values.get(i);
                if (i % step == 0) {
                    x.add((double) i);
                    y.add(smoothed);
                }
            }
            XYSeries series = chart.addSeries(arm, x, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(PALETTE[colour++ % PALETTE.length]);
        }
        return chart;
    }
}
