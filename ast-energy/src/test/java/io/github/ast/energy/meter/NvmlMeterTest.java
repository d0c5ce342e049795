package io.github.ast.energy.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.Settings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NVML through canned nvidia-smi outputs. */
class NvmlMeterTest {

    /** Answers the query with the given outputs in turn (null: the command failed) and records the commands. */
    private static final class CannedRunner implements NvmlMeter.CommandRunner {
        final Deque<Optional<String>> outputs = new ArrayDeque<>();
        final List<List<String>> commands = new ArrayList<>();

        CannedRunner(String... outputs) {
            Arrays.stream(outputs).forEach(o -> this.outputs.add(Optional.ofNullable(o)));
        }

        @Override
        public Optional<String> run(List<String> command) {
            commands.add(command);
            return outputs.remove();
        }
    }

    @Test
    void sumsTheEnergyOfEveryGpuSinceOpening() {
        CannedRunner runner = new CannedRunner("1000\n2000\n", "1500\n2600\n", "4000\n2600\n");
        NvmlMeter meter = NvmlMeter.open(runner, 0).orElseThrow();
        assertThat(runner.commands.get(0)).containsExactly("nvidia-smi", "--query-gpu=total_energy_consumption",
                "--format=csv,noheader,nounits");
        assertThat(meter.description()).isEqualTo("NVML total energy of 2 GPUs (nvidia-smi)");
        assertThat(meter.isEstimate()).isFalse();
        // millijoules: (1500 - 1000) + (2600 - 2000) = 1100 mJ
        assertThat(meter.joules()).isCloseTo(1.1, within(1e-12));
        // (4000 - 1000) + (2600 - 2000) = 3600 mJ
        assertThat(meter.joules()).isCloseTo(3.6, within(1e-12));
    }

    @Test
    void readsAtMostOncePerInterval() {
        CannedRunner runner = new CannedRunner(" 5000 \n", "9000\n");
        NvmlMeter meter = NvmlMeter.open(runner, 3_600_000).orElseThrow();
        assertThat(meter.description()).isEqualTo("NVML total energy of 1 GPU (nvidia-smi)");
        assertThat(meter.joules()).isZero();
        assertThat(meter.joules()).isZero();
        assertThat(runner.commands).hasSize(1);
    }

    @Test
    void isUnavailableWhenTheCommandFailsOrAGpuHasNoCounter() {
        assertThat(NvmlMeter.open(new CannedRunner((String) null), 0)).as("command failed").isEmpty();
        assertThat(NvmlMeter.open(new CannedRunner(""), 0)).as("no GPU").isEmpty();
        assertThat(NvmlMeter.open(new CannedRunner("[N/A]\n"), 0)).as("pre-Volta GPU").isEmpty();
        assertThat(NvmlMeter.open(new CannedRunner("1234\n[Not Supported]\n"), 0)).as("one GPU unsupported")
                .isEmpty();
        assertThat(NvmlMeter.open(new CannedRunner("-5\n"), 0)).as("negative").isEmpty();
        assertThatThrownBy(() -> NvmlMeter.open(new CannedRunner("1\n"), -1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("readIntervalMillis=-1");
    }

    @Test
    void failsLoudlyWhenReadingsStopMakingSense() {
        assertThatThrownBy(NvmlMeter.open(new CannedRunner("1\n2\n", "3\n"), 0).orElseThrow()::joules)
                .hasMessageContaining("reported 1 GPUs, the meter opened on 2");
        assertThatThrownBy(NvmlMeter.open(new CannedRunner("100\n", "50\n"), 0).orElseThrow()::joules)
                .hasMessageContaining("went back from 100.0 to 50.0 mJ");
        assertThatThrownBy(NvmlMeter.open(new CannedRunner("100\n", null), 0).orElseThrow()::joules)
                .hasMessageContaining("stopped answering");
        assertThatThrownBy(NvmlMeter.open(new CannedRunner("100\n", "Unable to determine the device handle"), 0)
                .orElseThrow()::joules).hasMessageContaining("printed 'Unable to determine the device handle'");
    }

    @Test
    void theProcessRunnerReturnsOutputOnlyOnSuccess() {
        assertThat(NvmlMeter.PROCESS_RUNNER.run(List.of("sh", "-c", "echo 42; echo noise >&2"))).hasValue("42\n");
        assertThat(NvmlMeter.PROCESS_RUNNER.run(List.of("sh", "-c", "echo 42; exit 3"))).isEmpty();
        assertThat(NvmlMeter.PROCESS_RUNNER.run(List.of("/nonexistent/nvidia-smi"))).isEmpty();
    }

    @Test
    void isUnavailableOnAMachineWithoutNvidiaSmi() {
        boolean onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "nvidia-smi")));
        assumeFalse(onPath, "nvidia-smi is installed here");
        NvmlMeter.Factory factory = new NvmlMeter.Factory();
        assertThat(factory.name()).isEqualTo("nvml");
        assertThat(factory.priority()).isEqualTo(20);
        Optional<EnergyMeter> meter = factory.open(Settings.empty());
        assertThat(meter).isEmpty();
        assertThatThrownBy(() -> factory.open(Settings.of("ast.meter.", Map.of("readIntervalMillis", "-3"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.meter.readIntervalMillis=-3");
    }
}
