package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark end to end on a small slice with a budget of a fraction of a second per run, on MXNet. */
class BenchmarkCommandTest {

    private static int run(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--engine", "MXNet", "--model", "mlp", "--budget", "0.6",
                "--eval-every", "0.2", "--embedded", "--limit", "2048", "--validation", "1000", "--arms",
                "full,random-batch@0.5,seed", "--jit-warmup", "0", "--targets", "0.3,0.99", "--out", out.toString()));
        if (List.of(extra).contains("--arms")) {
            int at = args.indexOf("--arms");
            args.subList(at, at + 2).clear(); // the test's own arms instead
        }
        args.addAll(List.of(extra));
        String[] array = args.toArray(String[]::new);
        return io.github.ast.examples.Cli.execute(new CommandLine(new BenchmarkCommand(array)), array);
    }

    private static List<String> lines(Path out) throws IOException {
        return Files.readAllLines(out.resolve(RunLog.FILE), StandardCharsets.UTF_8);
    }

    @Test
    void aStoppedBenchmarkResumesWithoutRedoingFinishedRuns(@TempDir Path out) throws IOException {
        assertThat(run(out, "--seeds", "1")).isZero();
        List<String> first = lines(out);
        assertThat(first).hasSize(1 + 3);

        // Killed while writing the next run's line: a partial line without its newline.
        Files.writeString(out.resolve(RunLog.FILE), "{\"arm\":\"full\",\"seed\":43,\"evaluations\":[{\"sched",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(run(out, "--seeds", "2", "--resume")).isZero();
        List<String> second = lines(out);
        assertThat(second).hasSize(1 + 6);
        assertThat(second.subList(0, 4)).as("finished runs are kept as written, not redone").isEqualTo(first);
        Set<String> keys = new HashSet<>();
        for (String line : second.subList(1, second.size())) {
            JsonObject run = JsonParser.parseString(line).getAsJsonObject();
            assertThat(keys.add(run.get("arm").getAsString() + "/" + run.get("seed").getAsLong())).isTrue();
        }
        assertThat(keys).containsExactlyInAnyOrder("full/42", "random-batch@0.5/42", "seed/42", "full/43",
                "random-batch@0.5/43", "seed/43");

        // Nothing left: the same command trains nothing and leaves the log as it is.
        assertThat(run(out, "--seeds", "2", "--resume")).isZero();
        assertThat(lines(out)).isEqualTo(second);
        // Without --resume, or with another setup, the log is refused and left untouched.
        assertThat(run(out, "--seeds", "2")).isNotZero();
        assertThat(run(out, "--seeds", "2", "--resume", "--noise", "0.2")).isNotZero();
        assertThat(lines(out)).isEqualTo(second);

        // A seed begun on another processor model is refused before anything trains; its runs stay as they were.
        JsonObject elsewhere = JsonParser.parseString(second.get(1)).getAsJsonObject();
        elsewhere.addProperty("seed", 44);
        elsewhere.addProperty("processor", "Elsewhere, avx2");
        Files.writeString(out.resolve(RunLog.FILE), elsewhere + "\n", java.nio.file.StandardOpenOption.APPEND);
        List<String> third = lines(out);
        assertThat(run(out, "--seeds", "3", "--resume")).isNotZero();
        assertThat(lines(out)).isEqualTo(third);
    }

    @Test
    void writesEveryOutputFromTheRecordedRuns(@TempDir Path out) throws IOException {
        assertThat(run(out, "--quick", "--noise", "0.2")).isZero();
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        JsonObject identity = results.getAsJsonObject("setup").getAsJsonObject("identity");
        assertThat(identity.get("labelNoise").getAsDouble()).isEqualTo(0.2);
        assertThat(identity.get("trainSamples").getAsLong()).isEqualTo(2048);
        assertThat(identity.get("validationSamples").getAsLong()).isEqualTo(1000);
        JsonArray runs = results.getAsJsonArray("runs");
        assertThat(runs).hasSize(3);
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            assertThat(run.get("flippedLabels").getAsInt()).isEqualTo(410);
            JsonArray evaluations = run.getAsJsonArray("evaluations");
            JsonObject firstEvaluation = evaluations.get(0).getAsJsonObject();
            JsonObject last = evaluations.get(evaluations.size() - 1).getAsJsonObject();
            assertThat(firstEvaluation.get("seconds").getAsDouble()).isZero();
            assertThat(last.get("scheduledSeconds").getAsDouble()).isEqualTo(0.6);
            assertThat(last.get("seconds").getAsDouble()).isGreaterThanOrEqualTo(0.6);
            assertThat(evaluations.size()).as("before training and at the end at least").isGreaterThanOrEqualTo(2);
            double previous = -1;
            for (JsonElement e : evaluations) {
                double seconds = e.getAsJsonObject().get("seconds").getAsDouble();
                assertThat(seconds).isGreaterThanOrEqualTo(previous);
                previous = seconds;
            }
            long forwarded = last.get("forwarded").getAsLong();
            long backpropagated = last.get("backpropagated").getAsLong();
            long batches = last.get("batches").getAsLong();
            switch (run.get("arm").getAsString()) {
                case "full" -> assertThat(backpropagated).isEqualTo(forwarded).isGreaterThan(128 * (batches - 1));
                case "random-batch@0.5" -> assertThat(backpropagated).isEqualTo(forwarded).isEqualTo(64 * batches);
                default -> {
                    assertThat(forwarded).isEqualTo(128 * batches + backpropagated);
                    assertThat(run.getAsJsonArray("gateRates")).hasSize((int) batches);
                }
            }
            assertThat(last.get("learningRate").getAsDouble()).as("the cosine schedule ends at 0").isZero();
        }
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).contains("| full |", "| random-batch@0.5 |", "| seed |", "Time to target",
                "not reached in 1 of 1", "Paired speed-up");
        assertThat(Files.readAllLines(out.resolve("results.csv")).get(0)).startsWith("arm,seed,scheduled_seconds");
        for (String png : List.of("accuracy.png", "time-to-target.png", "activation.png", "threshold.png")) {
            assertThat(Files.size(out.resolve(png))).as(png).isGreaterThan(5_000);
        }

        // Rendering again from the log alone gives the same summary.
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.count()).isEqualTo(8);
        }
        Files.delete(out.resolve("summary.md"));
        String[] render = {"--render", "--out", out.toString()};
        assertThat(new CommandLine(new BenchmarkCommand(render)).execute(render)).isZero();
        assertThat(Files.readString(out.resolve("summary.md"))).isEqualTo(summary);

        // The folder's HTML report: one page with the summary's tables, the plots inside it and the setup.
        String html = Files.readString(ReportCommand.write(out));
        assertThat(html).contains("<table>", "<td>random-batch@0.5</td>", "data:image/png;base64,",
                "<th>astConfig.ast.targetRate</th>").doesNotContain("|---");
    }

    @Test
    void refusesToPoolAst100RunsTimedWithTheScoringPassWithNewOnes(@TempDir Path out) throws IOException {
        assertThat(run(out, "--seeds", "1", "--arms", "full,ast-100")).isZero();
        // A log begun before a 100% target trained unscored: its header has no "ast100" marker.
        List<String> lines = new ArrayList<>(lines(out));
        JsonObject header = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        header.remove("ast100");
        lines.set(0, header.toString());
        Files.write(out.resolve(RunLog.FILE), lines, StandardCharsets.UTF_8);
        assertThat(run(out, "--seeds", "2", "--resume", "--arms", "full,ast-100")).isEqualTo(2);
        assertThat(lines(out)).hasSize(3);
        assertThat(run(out, "--seeds", "2", "--resume", "--arms", "full")).isZero();
        assertThat(lines(out)).hasSize(4);
    }
}
