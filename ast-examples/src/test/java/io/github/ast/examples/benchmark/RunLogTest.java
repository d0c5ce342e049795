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
        return new RunRecord(arm, seed, List.of(start, end), 3, 0, 0, 0, 61.5, List.of(0.1f), List.of(0.5f), "test cpu", List.of());
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

    private static Map<String, Object> setupOn(String cpu, int cores) {
        return Map.of("identity", Map.of("budgetSeconds", 60.0, "machine", Map.of("cpu", cpu, "cores", cores)));
    }

    private static RunRecord runOn(String processor, long seed) {
        RunRecord r = run("full", seed);
        return new RunRecord(r.arm(), seed, r.evaluations(), r.epochs(), 0, 0, 0, r.wallSeconds(), List.of(),
                List.of(), processor, List.of());
    }

    @Test
    void anotherProcessorModelResumesOnlyWithSeedsNotBegunElsewhere(@TempDir Path dir) throws IOException {
        RunLog log = RunLog.open(dir, setupOn("Intel Xeon", 2), false);
        log.append(runOn("Intel Xeon, avx512f", 42));
        log.append(runOn(null, 43)); // recorded before runs named their processor: the log's model
        RunLog elsewhere = RunLog.open(dir, setupOn("AMD EPYC", 2), true);
        assertThatThrownBy(() -> elsewhere.requireOneProcessorModel(42, "AMD EPYC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed 42 has 1 run(s) timed on "
                        + "Intel Xeon;").hasMessageContaining("--first-seed");
        assertThatThrownBy(() -> elsewhere.requireOneProcessorModel(43, "AMD EPYC"))
                .hasMessageContaining("seed 43 has 1 run(s) timed on Intel Xeon;");
        elsewhere.requireOneProcessorModel(44, "AMD EPYC");
        elsewhere.requireOneProcessorModel(42, "Intel Xeon");
        assertThatThrownBy(() -> RunLog.open(dir, setupOn("AMD EPYC", 4), true)).hasMessageContaining("another setup");
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
