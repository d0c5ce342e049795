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
 * plots rewritten from {@code runs.jsonl} first) or a profile's ({@code profile.md}), with the runs' configuration,
 * versions and machine.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Renders a benchmark or profile results folder into DIR/report.html.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "a benchmark's or a profile's --out folder")
    Path folder;

    @Override
    public Integer call() throws IOException {
        System.out.println("Written to " + write(folder).toAbsolutePath());
        return 0;
    }

    /**
     * Renders a folder into its {@code report.html}.
     *
     * @param folder a benchmark's or profile's results folder
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
            throw new IllegalArgumentException(folder + " holds neither " + RunLog.FILE + " (a benchmark) nor "
                    + "profile.md (a profile)");
        }
        Path page = folder.resolve("report.html");
        html.write(page);
        return page;
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
