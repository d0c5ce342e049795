package io.github.ast.examples.benchmark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark folder's outputs, always computed from its run log alone: results.json, results.csv, summary.md and
 * the plots. The benchmark writes them after its runs; {@code --render} and the HTML report rewrite them, so that a
 * change to the summary reaches every committed configuration without training again.
 */
final class BenchmarkOutputs {

    private BenchmarkOutputs() {}

    /**
     * Rewrites a benchmark folder's summary, tables and plots from its finished runs alone, with the arms, targets
     * and times its log's header recorded.
     *
     * @param out the folder, holding {@code runs.jsonl}
     * @throws IOException if it cannot be read or written
     */
    static void render(Path out) throws IOException {
        RunLog log = RunLog.read(out.resolve(RunLog.FILE), false);
        JsonObject setup = log.setup();
        Gson gson = new Gson();
        List<String> order = List.of(gson.fromJson(setup.get("arms"), String[].class));
        double[] recordedTargets = gson.fromJson(setup.get("targets"), double[].class);
        double[] recordedBudgets = gson.fromJson(setup.get("accuracyAt"), double[].class);
        double recordedBudget = setup.getAsJsonObject("identity").get("budgetSeconds").getAsDouble();
        write(log, order, recordedTargets, recordedBudgets, recordedBudget, out);
    }

    /**
     * Writes results.json, results.csv, summary.md and the plots from every finished run in the log, and prints the
     * summary.
     *
     * @param log the run log
     * @param order the arms in the order to show them
     * @param targets test-accuracy targets
     * @param budgets training times for the accuracy tables, in seconds
     * @param budget training seconds per run
     * @param out the folder to write into
     * @throws IOException if a file cannot be written
     */
    static void write(RunLog log, List<String> order, double[] targets, double[] budgets, double budget, Path out)
            throws IOException {
        BenchmarkSummary summary = new BenchmarkSummary(log.runs(), order, targets, budgets);
        JsonObject setup = log.setup();
        JsonObject identity = setup.getAsJsonObject("identity");
        StringBuilder kind = new StringBuilder();
        for (String key : new String[] {"noiseKind", "imbalance", "duplicates", "cleanHoldout"}) {
            if (identity.has(key)) {
                kind.append(", ").append(key).append(' ').append(identity.get(key).getAsString());
            }
        }
        String title = String.format(Locale.ROOT, "%s %s, noise %s%s, %s s", identity.get("engine").getAsString(),
                identity.get("model").getAsString(), identity.get("labelNoise").getAsString(), kind,
                identity.get("budgetSeconds").getAsString());
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("setup", setup);
        json.put("summary", SummaryData.tables(summary));
        json.put("runs", log.runs());
        Files.writeString(out.resolve("results.json"), gson.toJson(json));
        Files.writeString(out.resolve("results.csv"), SummaryData.csv(summary));
        String markdown = "# Benchmark: " + title + "\n\n`" + setup.get("command").getAsString() + "`\n\n"
                + summary.markdown();
        Files.writeString(out.resolve("summary.md"), markdown);
        new BenchmarkPlots(summary, title, budget, targets).write(out);
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath() + ": runs.jsonl, results.json, results.csv, "
                + "summary.md, accuracy.png, time-to-target.png (and activation.png, threshold.png for AST arms)");
    }
}
