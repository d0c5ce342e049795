package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {

    private static Map<String, Object> setup(float learningRate) {
        return Map.of("identity", Map.of("learningRate", learningRate, "budgetSeconds", 60.0), "command", "x");
    }

    private static RunRecord run(String arm, long seed) {
        Evaluation start = new Evaluation(0, 0, 0, 0, 0, 0, 0, 0.1, Double.NaN, 0.1, 2.3);
        Evaluation end = new Evaluation(60, 60.01, 3, 100, 12800, 12800, 0, 0.85, 0.4, 0.86, 0.39);
        return new RunRecord(arm, seed, List.of(start, end), 3, 0, 0, 0, 61.5, List.of(0.1f), List.of(0.5f), "test cpu");
    }

    @Test
    void roundTripsRunsAndResumesWithTheSameFloatSettings(@TempDir Path dir) throws IOException {
        RunLog log = RunLog.open(dir, setup(1e-3f), false);
        log.append(run("full", 42));
        log.append(run("seed", 42));
        RunLog resumed = RunLog.open(dir, setup(1e-3f), true);
        assertThat(resumed.runs()).hasSize(2);
        assertThat(resumed.has("full", 42)).isTrue();
        assertThat(resumed.has("full", 43)).isFalse();
        RunRecord read = resumed.runs().get(0);
        assertThat(read.evaluations()).isEqualTo(run("full", 42).evaluations());
        assertThat(read.evaluations().get(0).testLoss()).isNaN();
        assertThat(read.gateRates()).containsExactly(0.1f);
        assertThat(read.wallSeconds()).isEqualTo(61.5);
    }

    @Test
    void refusesAnotherSetupOrAnExistingLogWithoutResume(@TempDir Path dir) throws IOException {
        RunLog.open(dir, setup(1e-3f), false).append(run("full", 42));
        byte[] before = Files.readAllBytes(dir.resolve(RunLog.FILE));
        assertThatThrownBy(() -> RunLog.open(dir, setup(1e-3f), false)).hasMessageContaining("--resume");
        assertThatThrownBy(() -> RunLog.open(dir, setup(2e-3f), true)).hasMessageContaining("another setup")
                .hasMessageContaining("0.002");
        assertThat(Files.readAllBytes(dir.resolve(RunLog.FILE))).isEqualTo(before);
    }

    @Test
    void aPartialLastLineIsIgnoredWhenReadingAndCutOffWhenResuming(@TempDir Path dir) throws IOException {
        RunLog.open(dir, setup(1e-3f), false).append(run("full", 42));
        Path file = dir.resolve(RunLog.FILE);
        Files.writeString(file, "{\"arm\":\"seed\",\"se", StandardOpenOption.APPEND);
        long size = Files.size(file);
        assertThat(RunLog.read(file, false).runs()).hasSize(1);
        assertThat(Files.size(file)).as("rendering leaves a line being written alone").isEqualTo(size);
        RunLog resumed = RunLog.open(dir, setup(1e-3f), true);
        assertThat(resumed.runs()).hasSize(1);
        resumed.append(run("seed", 42));
        assertThat(RunLog.read(file, false).runs()).extracting(RunRecord::arm).containsExactly("full", "seed");
    }

    @Test
    void aCorruptLineBeforeTheLastIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        RunLog.open(dir, setup(1e-3f), false);
        Path file = dir.resolve(RunLog.FILE);
        Files.writeString(file, "not json\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> RunLog.read(file, false)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("corrupt");
    }
}
