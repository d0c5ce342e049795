package io.github.ast.energy.meter;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.Settings;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Estimates energy where no power sensor can be read: this process's CPU time (all its threads, the engine's native
 * threads included) times an assumed power per busy core. It is labelled an estimate everywhere it is shown.
 *
 * <p>It scales with the work the process does but knows nothing of the hardware: idle and uncore power, memory and
 * other processes are left out, and the power per core is a guess. The default, 10 W/core, is a round figure
 * between a server core's share of its chip's rated power (a 32-core, 205 W part gives 6.4 W) and a desktop core's
 * (an 8-core, 125 W part gives 15.6 W); on cloud machines, where a vCPU is half a core, about half of it is closer. Set {@code wattsPerCore} for your CPU (its TDP divided by its cores).
 */
public final class CpuTimeMeter implements EnergyMeter {

    private final LongSupplier processCpuNanos;
    private final double wattsPerCore;
    private final long startNanos;

    /**
     * Creates a meter on a CPU-time source.
     *
     * @param processCpuNanos returns the process's CPU time in nanoseconds, non-decreasing
     * @param wattsPerCore assumed power of one busy core, finite and > 0
     */
    CpuTimeMeter(LongSupplier processCpuNanos, double wattsPerCore) {
        this.processCpuNanos = processCpuNanos;
        this.wattsPerCore = new Options(wattsPerCore).wattsPerCore(); // the one place the rule is written
        this.startNanos = processCpuNanos.getAsLong();
    }

    /**
     * Opens the meter on this JVM's process CPU time.
     *
     * @param wattsPerCore assumed power of one busy core, finite and > 0
     * @return the meter, or empty if the JVM cannot report process CPU time
     */
    public static Optional<CpuTimeMeter> open(double wattsPerCore) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            return Optional.of(new CpuTimeMeter(os::getProcessCpuTime, wattsPerCore));
        }
        return Optional.empty();
    }

    /** {@return the assumed power of one busy core, in watts} */
    public double wattsPerCore() {
        return wattsPerCore;
    }

    @Override
    public String description() {
        return "estimate: process CPU time x " + wattsPerCore + " W/core (no power sensor read)";
    }

    @Override
    public boolean isEstimate() {
        return true;
    }

    @Override
    public double joules() {
        return (processCpuNanos.getAsLong() - startNanos) / 1e9 * wattsPerCore;
    }

    /**
     * The meter's settings.
     *
     * @param wattsPerCore assumed power of one busy core, finite and > 0
     */
    public record Options(@Option(description = "assumed power of one busy core in watts (your CPU's TDP "
            + "divided by its cores)") double wattsPerCore) {

        /** 10 W per core, see the class description. */
        public static final Options DEFAULTS = new Options(10.0);

        /**
         * Validates the power.
         *
         * @param wattsPerCore assumed power of one busy core, finite and > 0
         */
        public Options {
            require(Double.isFinite(wattsPerCore) && wattsPerCore > 0, "wattsPerCore", wattsPerCore,
                    "finite and > 0");
        }
    }

    /** Opens the meter under the name {@code cpu-time} at priority 0, the fallback when no sensor is readable. */
    public static final class Factory implements EnergyMeterFactory {

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public String name() {
            return "cpu-time";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Optional<EnergyMeter> open(Settings settings) {
            double wattsPerCore = OptionsBinder.bind(Options.class, settings).wattsPerCore();
            return CpuTimeMeter.open(wattsPerCore).map(EnergyMeter.class::cast);
        }
    }
}
