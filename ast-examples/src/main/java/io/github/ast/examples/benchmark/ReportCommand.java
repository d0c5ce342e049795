package io.github.ast.examples.benchmark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.ast.examples.HtmlReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Renders a results folder into {@code report.html}, one self-contained page: a benchmark's (its summary, tables and
 * plots rewritten from {@code runs.jsonl} first), a profile's ({@code profile.md}) or a demo's {@code --report}
 * folder ({@code ast-*.json}), with the run's configuration and versions.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Renders a benchmark, profile or demo results folder into DIR/report.html.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "a benchmark's --out, a profile's --out or a demo's "
            + "--report folder")
    Path folder;

    @Override
    public Integer call() throws IOException {
        System.out.println("Written to " + write(folder).toAbsolutePath());
        return 0;
    }

    /**
     * Renders a folder into its {@code report.html}.
     *
     * @param folder a benchmark's, profile's or demo's results folder
     * @return the page written
     * @throws IOException if the folder cannot be read or the page written
     * @throws IllegalArgumentException if the folder holds no results
     */
    public static Path write(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is not a folder");
        }
        HtmlReport html;
        if (Files.exists(folder.resolve(RunLog.FILE))) {
            BenchmarkOutputs.render(folder);
            JsonObject setup = RunLog.read(folder.resolve(RunLog.FILE), false).setup();
            html = new HtmlReport("AST benchmark: " + folder.getFileName())
                    .markdown(withoutTitle(Files.readString(folder.resolve("summary.md"))))
                    .plots(folder)
                    .settings("Configuration, versions and machine", flatten("", setup.get("identity")));
        } else if (Files.exists(folder.resolve("profile.md"))) {
            JsonObject profile = JsonParser.parseString(Files.readString(folder.resolve("profile.json")))
                    .getAsJsonObject();
            html = new HtmlReport("AST profile: " + folder.getFileName())
                    .markdown(withoutTitle(Files.readString(folder.resolve("profile.md"))))
                    .settings("Machine", flatten("", profile.get("machine")));
        } else {
            List<Path> demo;
            try (var files = Files.list(folder)) {
                demo = files.filter(f -> f.getFileName().toString().matches("ast-.*\\.json")).sorted().toList();
            }
            if (demo.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds neither " + RunLog.FILE + " (a benchmark), "
                        + "profile.md (a profile) nor ast-*.json (a demo's --report)");
            }
            html = new HtmlReport("AST demo: " + folder.getFileName());
            for (Path file : demo) {
                demoRun(html, file);
            }
        }
        Path page = folder.resolve("report.html");
        html.write(page);
        return page;
    }

    /** One demo run: its epochs as a table, then its configuration and versions. */
    private static void demoRun(HtmlReport html, Path file) throws IOException {
        JsonObject run = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        StringBuilder md = new StringBuilder("## " + file.getFileName() + "\n\n| epoch | train loss | test acc | "
                + "activation | saving | train s |\n|---:|---:|---:|---:|---:|---:|\n");
        for (JsonElement element : run.getAsJsonArray("epochs")) {
            JsonObject epoch = element.getAsJsonObject();
            JsonObject energy = epoch.getAsJsonObject("energies").entrySet().iterator().next().getValue()
                    .getAsJsonObject();
            double spent = energy.get("spent").getAsDouble();
            double baseline = energy.get("baseline").getAsDouble();
            md.append(String.format(Locale.ROOT, "| %d | %.4f | %.2f%% | %.1f%% | %.1f%% | %.1f |%n",
                    epoch.get("epoch").getAsInt(), epoch.get("trainLoss").getAsDouble(),
                    100 * epoch.get("validationAccuracy").getAsDouble(), 100 * epoch.get("activationRate")
                            .getAsDouble(), 100 * (1 - spent / baseline), epoch.get("trainSeconds").getAsDouble()));
        }
        html.markdown(md.toString()).settings("Configuration of " + file.getFileName(), flatten("", run.get("config")))
                .settings("Versions of " + file.getFileName(), flatten("", run.get("provenance")));
    }

    private static String withoutTitle(String markdown) {
        return markdown.replaceFirst("\\A# .*\\n", "");
    }

    /** A JSON tree as dotted names to values. */
    private static Map<String, String> flatten(String prefix, JsonElement element) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (element == null || element.isJsonNull()) {
            return flat;
        }
        if (element.isJsonObject()) {
            element.getAsJsonObject().entrySet().forEach(e -> flat.putAll(flatten(prefix.isEmpty() ? e.getKey()
                    : prefix + "." + e.getKey(), e.getValue())));
        } else {
            flat.put(prefix, element.isJsonPrimitive() ? element.getAsString() : element.toString());
        }
        return flat;
    }
}
