package io.github.ast.energy.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuTimeMeterTest {

    @Test
    void multipliesCpuTimeByWattsPerCore() {
        AtomicLong cpuNanos = new AtomicLong(7_000_000_000L);
        CpuTimeMeter meter = new CpuTimeMeter(cpuNanos::get, 12.0);
        assertThat(meter.joules()).isZero();
        cpuNanos.addAndGet(5_000_000_000L); // 5 core-seconds, e.g. 2.5 s on two busy cores
        assertThat(meter.joules()).isCloseTo(5 * 12.0, within(1e-9));
    }

    @Test
    void risesWithBusyWorkAndSaysItIsAnEstimate() {
        EnergyMeter meter = new CpuTimeMeter.Factory().open(Settings.empty()).orElseThrow();
        assertThat(meter.isEstimate()).isTrue();
        assertThat(meter.description()).contains("estimate").contains("10.0 W/core");

        double before = meter.joules();
        long end = System.nanoTime() + 200_000_000L;
        double sink = 0;
        while (System.nanoTime() < end) {
            sink += Math.sqrt(sink + 1);
        }
        double after = meter.joules();
        assertThat(sink).isPositive();
        // 200 ms of wall time on a shared machine: at least 20 ms of CPU at 10 W/core
        assertThat(after - before).isGreaterThan(0.02 * 10);
        assertThat(meter.joules()).isGreaterThanOrEqualTo(after);
    }

    @Test
    void validatesWattsPerCore() {
        CpuTimeMeter.Factory factory = new CpuTimeMeter.Factory();
        assertThat(factory.open(Settings.of("ast.meter.", Map.of("wattsPerCore", "4.5"))).orElseThrow()
                .description()).contains("4.5 W/core");
        assertThatThrownBy(() -> factory.open(Settings.of("ast.meter.", Map.of("wattsPerCore", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.meter.wattsPerCore=0.0");
        assertThatThrownBy(() -> factory.open(Settings.of("ast.meter.", Map.of("wattsPerCore", "ten"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.meter.wattsPerCore='ten'");
        assertThatThrownBy(() -> new CpuTimeMeter(() -> 0, Double.NaN)).hasMessageContaining("wattsPerCore=NaN");
    }

    @Test
    void allMetersAreRegisteredWithTheirPriorities() {
        assertThat(ServiceLoader.load(EnergyMeterFactory.class).stream().map(p -> p.get().name() + ":"
                + p.get().priority())).containsExactlyInAnyOrder("rapl:30", "nvml:20", "cpu-time:0");
    }
}
