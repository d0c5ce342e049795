package io.github.ast.examples.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.examples.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The stability study end to end on the embedded slice: its runs, its summary, resuming, and bad input. */
class StabilityCommandTest {

    private static int run(String... args) {
        return Cli.execute(new CommandLine(new StabilityCommand()), args);
    }

    @Test
    void measuresEachEpochAndSkipsFinishedRunsWhenRepeated(@TempDir Path out) throws Exception {
        String[] args = {"--embedded", "--engines", "MXNet,PyTorch", "--configs", "published-code,plain", "--seeds",
            "1", "--epochs", "2", "--out", out.toString()};
        assertThat(run(args)).isZero();
        var runs = StabilityCommand.read(out.resolve(StabilityCommand.RUNS));
        assertThat(runs).extracting(r -> r.engine() + " " + r.config()).containsExactly("MXNet published-code",
                "MXNet plain", "PyTorch published-code", "PyTorch plain");
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.testAccuracy()).hasSize(2);
            assertThat(Arrays.stream(r.testAccuracy()).min().orElseThrow()).as("better than chance").isGreaterThan(0.1);
            assertThat(Arrays.stream(r.trainSeconds()).min().orElseThrow()).isPositive();
        });
        assertThat(Arrays.stream(runs.get(0).activation()).max().orElseThrow()).isLessThan(0.5);
        assertThat(runs.get(1).activation()).containsExactly(1.0, 1.0);
        assertThat(runs.get(3).activation()).containsExactly(1.0, 1.0);
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).contains("## MXNet", "## PyTorch", "| `published-code` | 1 |", "| `plain` | 1 |");
        assertThat(run(args)).isZero();
        assertThat(StabilityCommand.read(out.resolve(StabilityCommand.RUNS))).hasSize(4);
    }

    @Test
    void anUnknownConfigurationIsOneErrorNamingTheKnownOnes(@TempDir Path out) {
        assertThat(run("--embedded", "--configs", "authors", "--out", out.toString())).isEqualTo(2);
        assertThat(out.resolve(StabilityCommand.RUNS)).doesNotExist();
    }
}
