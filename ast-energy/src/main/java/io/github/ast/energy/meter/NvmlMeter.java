package io.github.ast.energy.meter;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Measures NVIDIA GPU energy with NVML's total-energy counter, read through {@code nvidia-smi} so that no JNI
 * binding is needed: {@code nvidia-smi --query-gpu=total_energy_consumption --format=csv,noheader,nounits} prints
 * one line per GPU, the millijoules used since the driver was loaded (Volta and later GPUs).
 *
 * <p>The meter sums the energy of every GPU on the machine, whatever process used it. It is unavailable when the
 * command is missing, fails or times out, or when any GPU does not report the counter ({@code [N/A]},
 * {@code [Not Supported]}): a partial sum would understate the energy without saying so.
 *
 * <p>Starting {@code nvidia-smi} takes tens to hundreds of milliseconds, so the meter runs it at most once per
 * {@code readIntervalMillis} (default 1000) and returns the last reading in between; a difference over a short span
 * (one batch) is therefore coarse, one over an epoch is accurate to about one interval.
 */
public final class NvmlMeter implements EnergyMeter {

    /** The query the meter runs. */
    public static final List<String> QUERY = List.of("nvidia-smi", "--query-gpu=total_energy_consumption",
            "--format=csv,noheader,nounits");

    /** Runs a command and returns its standard output, injectable so that the meter can be tested without a GPU. */
    @FunctionalInterface
    public interface CommandRunner {

        /**
         * Runs a command to completion.
         *
         * @param command the program and its arguments
         * @return its standard output, or empty if it could not be started, failed or timed out
         */
        Optional<String> run(List<String> command);
    }

    /** Runs commands as processes, with a 10-second timeout and standard error discarded. */
    public static final CommandRunner PROCESS_RUNNER = command -> {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // the output (a line per GPU) fits in the pipe buffer, so waiting before reading cannot block
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    };

    private final CommandRunner runner;
    private final long readIntervalNanos;
    private final double[] startMillijoules;
    private double[] lastMillijoules;
    private long lastReadNanos;

    private NvmlMeter(CommandRunner runner, long readIntervalMillis, double[] startMillijoules) {
        this.runner = runner;
        this.readIntervalNanos = TimeUnit.MILLISECONDS.toNanos(readIntervalMillis);
        this.startMillijoules = startMillijoules;
        this.lastMillijoules = startMillijoules;
        this.lastReadNanos = System.nanoTime();
    }

    /**
     * Opens the meter if the query succeeds and every GPU reports its energy.
     *
     * @param runner runs {@link #QUERY}; {@link #PROCESS_RUNNER} in production
     * @param readIntervalMillis minimum milliseconds between two runs of the query, >= 0
     * @return the meter, or empty if there is no GPU whose energy can be read
     */
    public static Optional<NvmlMeter> open(CommandRunner runner, long readIntervalMillis) {
        if (readIntervalMillis < 0) {
            throw new ConfigurationException("readIntervalMillis=" + readIntervalMillis + " must be >= 0");
        }
        return runner.run(QUERY).flatMap(NvmlMeter::parse)
                .map(start -> new NvmlMeter(runner, readIntervalMillis, start));
    }

    /** Parses the query's output: one non-negative number of millijoules per GPU, or empty. */
    static Optional<double[]> parse(String output) {
        List<String> lines = output.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
        double[] millijoules = new double[lines.size()];
        for (int gpu = 0; gpu < millijoules.length; gpu++) {
            try {
                millijoules[gpu] = Double.parseDouble(lines.get(gpu));
            } catch (NumberFormatException e) {
                return Optional.empty(); // "[N/A]", "[Not Supported]" or an error message
            }
            if (!(millijoules[gpu] >= 0) || Double.isInfinite(millijoules[gpu])) {
                return Optional.empty();
            }
        }
        return millijoules.length == 0 ? Optional.empty() : Optional.of(millijoules);
    }

    @Override
    public String description() {
        return "NVML total energy of " + startMillijoules.length + " GPU" + (startMillijoules.length == 1 ? "" : "s")
                + " (nvidia-smi)";
    }

    @Override
    public boolean isEstimate() {
        return false;
    }

    /**
     * Returns the GPUs' energy since the meter was opened, reading it anew if the last reading is older than the
     * read interval.
     *
     * @throws IllegalStateException if the query fails, the number of GPUs changed or a counter went backwards (the
     *     driver was reloaded)
     */
    @Override
    public synchronized double joules() {
        long now = System.nanoTime();
        if (now - lastReadNanos >= readIntervalNanos) {
            String output = runner.run(QUERY).orElseThrow(() -> new IllegalStateException(
                    "nvidia-smi stopped answering " + String.join(" ", QUERY)));
            double[] reading = parse(output).orElseThrow(() -> new IllegalStateException(
                    "nvidia-smi printed '" + output.trim() + "', not one energy figure per GPU"));
            if (reading.length != startMillijoules.length) {
                throw new IllegalStateException("nvidia-smi reported " + reading.length + " GPUs, the meter opened on "
                        + startMillijoules.length);
            }
            for (int gpu = 0; gpu < reading.length; gpu++) {
                if (reading[gpu] < lastMillijoules[gpu]) {
                    throw new IllegalStateException("GPU " + gpu + " energy went back from " + lastMillijoules[gpu]
                            + " to " + reading[gpu] + " mJ; was the driver reloaded?");
                }
            }
            lastMillijoules = reading;
            lastReadNanos = now;
        }
        double millijoules = 0;
        for (int gpu = 0; gpu < startMillijoules.length; gpu++) {
            millijoules += lastMillijoules[gpu] - startMillijoules[gpu];
        }
        return millijoules / 1000;
    }

    /**
     * The meter's settings.
     *
     * @param readIntervalMillis minimum milliseconds between two runs of the query, >= 0
     */
    public record Options(@Option(description = "minimum milliseconds between two runs of nvidia-smi; "
            + "readings in between repeat the last one") int readIntervalMillis) {

        /** One reading per second at most. */
        public static final Options DEFAULTS = new Options(1000);

        /**
         * Validates the interval.
         *
         * @param readIntervalMillis minimum milliseconds between two runs of the query, >= 0
         */
        public Options {
            require(readIntervalMillis >= 0, "readIntervalMillis", readIntervalMillis, ">= 0");
        }
    }

    /** Opens the meter under the name {@code nvml} at priority 20, after RAPL and before estimates. */
    public static final class Factory implements EnergyMeterFactory {

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public String name() {
            return "nvml";
        }

        @Override
        public int priority() {
            return 20;
        }

        @Override
        public Optional<EnergyMeter> open(Settings settings) {
            int interval = OptionsBinder.bind(Options.class, settings).readIntervalMillis();
            return NvmlMeter.open(PROCESS_RUNNER, interval).map(EnergyMeter.class::cast);
        }
    }
}
