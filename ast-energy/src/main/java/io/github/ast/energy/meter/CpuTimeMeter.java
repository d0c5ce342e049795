package io.github.ast.energy.meter;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Settings;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Estimates energy where no power sensor can be read: this process's CPU time (all its threads, the engine's native
 * threads included) times an assumed power per busy core. It is labelled an estimate everywhere it is shown.
 *
 * <p>It scales with the work the process does but knows nothing of the hardware: idle and uncore power, memory and
 * other processes are left out, and the power per core is a guess. The default, {@value #DEFAULT_WATTS_PER_CORE}
 * W/core, is a round figure between a server core's share of its chip's rated power (a 32-core, 205 W part gives
 * 6.4 W) and a desktop core's (an 8-core, 125 W part gives 15.6 W); on cloud machines, where a vCPU is half a core,
 * about half of it is closer. Set {@code wattsPerCore} for your CPU (its TDP divided by its cores).
 */
public final class CpuTimeMeter implements EnergyMeter {

    /** The default assumed power of one busy core, in watts. */
    public static final double DEFAULT_WATTS_PER_CORE = 10.0;

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
        if (!(wattsPerCore > 0) || Double.isInfinite(wattsPerCore)) {
            throw new ConfigurationException("wattsPerCore=" + wattsPerCore + " must be finite and > 0");
        }
        this.processCpuNanos = processCpuNanos;
        this.wattsPerCore = wattsPerCore;
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
     * Opens the meter under the name {@code cpu-time} at priority 0, the fallback when no sensor is readable;
     * setting {@code wattsPerCore} (default {@value CpuTimeMeter#DEFAULT_WATTS_PER_CORE}).
     */
    public static final class Factory implements EnergyMeterFactory {

        /** Returns the settings this meter reads. */
        @Override
        public Set<String> settingKeys() {
            return Set.of("wattsPerCore");
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
        public void validate(Settings settings) {
            wattsPerCore(settings);
        }

        @Override
        public Optional<EnergyMeter> open(Settings settings) {
            return CpuTimeMeter.open(wattsPerCore(settings)).map(EnergyMeter.class::cast);
        }

        private static double wattsPerCore(Settings settings) {
            double watts = settings.getDouble("wattsPerCore", DEFAULT_WATTS_PER_CORE);
            if (!(watts > 0)) {
                throw new ConfigurationException(settings.prefix() + "wattsPerCore=" + watts + " must be > 0");
            }
            return watts;
        }
    }
}
