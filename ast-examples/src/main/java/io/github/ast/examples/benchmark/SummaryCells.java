package io.github.ast.examples.benchmark;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * How the summary's tables write a figure: a median time with its interval and censored runs, an accuracy, a paired
 * ratio, a target, a time; one place, so that every table writes the same figure alike.
 */
final class SummaryCells {

    private SummaryCells() {}

    /** A median time to a target, its interval in brackets, and how many runs never reached it. */
    static String time(double[] times, Stats.Interval interval) {
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

    /**
     * The median accuracy of an arm's runs, in percent, with its interval.
     *
     * @param summary the summary
     * @param arm the arm
     * @param metric the accuracy of a run
     * @param cell what tells the cell from the arm's others, for its bootstrap seed
     */
    static String accuracy(BenchmarkSummary summary, String arm, ToDoubleFunction<RunRecord> metric, double cell) {
        double[] accuracy = summary.metric(arm, metric);
        double median = Stats.median(accuracy);
        if (Double.isNaN(median)) {
            return "n/a";
        }
        Stats.Interval interval = Stats.bootstrapMedian(accuracy, BenchmarkSummary.cellSeed(arm, cell));
        return String.format(Locale.ROOT, "%.2f%% [%.2f, %.2f]", 100 * median, 100 * interval.low(),
                100 * interval.high());
    }

    /** A paired speed-up: its median, interval and the seeds used. */
    static String ratio(BenchmarkSummary.Paired paired) {
        if (Double.isNaN(paired.median())) {
            return "n/a (neither reached it)";
        }
        return String.format(Locale.ROOT, "%s× [%s, %s] (n=%d)", ratio(paired.median()),
                ratio(paired.interval().low()), ratio(paired.interval().high()), paired.used());
    }

    private static String ratio(double r) {
        return Double.isInfinite(r) ? "∞" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** {@return an accuracy target in percent, e.g. 87%} */
    static String pct(double t) {
        return trim(100 * t) + "%";
    }

    /** {@return a number without a fractional part where it has none} */
    static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }

    /** {@return the number in the format, or n/a} */
    static String num(double v, String format) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }
}
