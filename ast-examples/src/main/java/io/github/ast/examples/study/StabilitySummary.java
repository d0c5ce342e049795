package io.github.ast.examples.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The stability study's summary: per engine and configuration, the median over seeds of the final test accuracy (with
 * the seeds' range), of the largest epoch-to-epoch fall (the swing), of the epoch's training time and of the activation
 * rate, and the median accuracy after each epoch.
 */
final class StabilitySummary {

    private StabilitySummary() {}

    static String markdown(List<StabilityRun> runs, int epochs, String source) {
        StringBuilder md = new StringBuilder("# The published system's stability\n\n");
        md.append(String.format(Locale.ROOT, "The demo's CNN, %d epochs on every training image of %s, batch 128, "
                + "Adam at a fixed 1e-3, tested (10,000 images) after each epoch; medians over seeds, the seeds' range "
                + "in brackets. Swing: the largest fall of test accuracy from one epoch to the next. Machine: %s.%n%n",
                epochs, source, runs.isEmpty() ? "none yet" : runs.get(0).processor()));
        Set<String> configs = new LinkedHashSet<>();
        StabilityConfigs.labels().stream().filter(l -> runs.stream().anyMatch(r -> r.config().equals(l)))
                .forEach(configs::add);
        for (String engine : runs.stream().map(StabilityRun::engine).distinct().toList()) {
            md.append("## ").append(engine).append("\n\n| configuration | seeds | final test accuracy | swing "
                    + "(points) | per epoch | epoch time | activation |\n|---|---|---|---|---|---|---|\n");
            for (String config : configs) {
                List<StabilityRun> own = runs.stream().filter(r -> r.engine().equals(engine)
                        && r.config().equals(config)).toList();
                if (own.isEmpty()) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| `%s` | %d | %.2f%% [%.2f, %.2f] | %.2f [%.2f, %.2f] | %s | "
                        + "%.1f s | %.1f%% |%n", config, own.size(), 100 * median(own, StabilityRun::finalAccuracy),
                        100 * min(own, StabilityRun::finalAccuracy), 100 * max(own, StabilityRun::finalAccuracy),
                        100 * median(own, StabilityRun::swing), 100 * min(own, StabilityRun::swing),
                        100 * max(own, StabilityRun::swing), perEpoch(own), median(own, StabilityRun::epochSeconds),
                        100 * median(own, r -> mean(r.activation()))));
            }
            md.append('\n');
        }
        md.append("Configurations:\n\n");
        configs.forEach(c -> md.append("- `").append(c).append("`: ").append(StabilityConfigs.description(c))
                .append('\n'));
        return md.toString();
    }

    /** The median test accuracy after each epoch, in percent. */
    private static String perEpoch(List<StabilityRun> runs) {
        int epochs = runs.stream().mapToInt(r -> r.testAccuracy().length).min().orElse(0);
        List<String> parts = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            int epoch = e;
            parts.add(String.format(Locale.ROOT, "%.1f", 100 * median(runs, r -> r.testAccuracy()[epoch])));
        }
        return String.join(" / ", parts);
    }

    private static double median(List<StabilityRun> runs, ToDoubleFunction<StabilityRun> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(List<StabilityRun> runs, ToDoubleFunction<StabilityRun> value) {
        return runs.stream().mapToDouble(value).min().orElse(Double.NaN);
    }

    private static double max(List<StabilityRun> runs, ToDoubleFunction<StabilityRun> value) {
        return runs.stream().mapToDouble(value).max().orElse(Double.NaN);
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
