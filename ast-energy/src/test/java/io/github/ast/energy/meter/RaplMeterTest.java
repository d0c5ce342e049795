package io.github.ast.energy.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RAPL on fixture powercap trees laid out as Linux lays them out. */
class RaplMeterTest {

    /** The range of a typical package counter, in microjoules (about 262 kJ). */
    private static final long RANGE = 262_143_328_850L;

    @TempDir
    Path root;

    private static Path zone(Path parent, String directory, String name, long energy, long range) throws IOException {
        Path zone = Files.createDirectories(parent.resolve(directory));
        Files.writeString(zone.resolve("name"), name + "\n");
        Files.writeString(zone.resolve("max_energy_range_uj"), range + "\n");
        write(zone, energy);
        return zone;
    }

    private static void write(Path zone, long energy) throws IOException {
        Files.writeString(zone.resolve("energy_uj"), energy + "\n");
    }

    @Test
    void sumsPackagesAndTheirDramButNotWhatThePackageAlreadyCounts() throws IOException {
        Files.createDirectories(root.resolve("intel-rapl")); // the control type, not a zone
        Path pkg = zone(root, "intel-rapl:0", "package-0", 1_000_000, RANGE);
        Path core = zone(pkg, "intel-rapl:0:0", "core", 500_000, RANGE);
        Path dram = zone(pkg, "intel-rapl:0:2", "dram", 2_000_000, RANGE);
        Path psys = zone(root, "intel-rapl:1", "psys", 9_000_000, RANGE);
        Path mmio = zone(root, "intel-rapl-mmio:0", "package-0", 7_000_000, RANGE);

        EnergyMeter meter = RaplMeter.open(root, true).orElseThrow();
        assertThat(meter.description()).isEqualTo("RAPL package-0+package-0/dram");
        assertThat(meter.isEstimate()).isFalse();
        assertThat(meter.joules()).isZero();

        write(pkg, 4_000_000);     // +3 J
        write(dram, 2_500_000);    // +0.5 J
        write(core, 2_500_000);    // inside the package: not added again
        write(psys, 99_000_000);   // the platform, package included: not added
        write(mmio, 70_000_000);   // a second interface to the same package: not added
        assertThat(meter.joules()).isCloseTo(3.5, within(1e-12));

        EnergyMeter packageOnly = RaplMeter.open(root, false).orElseThrow();
        assertThat(packageOnly.description()).isEqualTo("RAPL package-0");
        write(pkg, 5_000_000);
        write(dram, 9_000_000);
        assertThat(packageOnly.joules()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void countsAWrapBetweenTwoReadings() throws IOException {
        Path pkg = zone(root, "intel-rapl:0", "package-0", RANGE - 328_850, RANGE);
        EnergyMeter meter = RaplMeter.open(root, true).orElseThrow();

        write(pkg, 500_000);
        // 328,850 µJ up to the range, then 500,000 µJ from zero
        assertThat(meter.joules()).isCloseTo((328_850 + 500_000) / 1e6, within(1e-12));
        write(pkg, 1_500_000);
        assertThat(meter.joules()).isCloseTo((328_850 + 500_000 + 1_000_000) / 1e6, within(1e-12));
    }

    @Test
    void countsWrapsOfDifferentDomainsAtDifferentReadings() throws IOException {
        long smallRange = 10_000_000; // 10 J, so that the domains wrap at different times
        Path pkg0 = zone(root, "intel-rapl:0", "package-0", 9_000_000, smallRange);
        Path dram0 = zone(pkg0, "intel-rapl:0:1", "dram", 1_000_000, smallRange);
        Path pkg1 = zone(root, "intel-rapl:1", "package-1", 5_000_000, RANGE);
        Path dram1 = zone(pkg1, "intel-rapl:1:1", "dram", 8_000_000, smallRange);
        EnergyMeter meter = RaplMeter.open(root, true).orElseThrow();
        assertThat(meter.description()).isEqualTo("RAPL package-0+package-0/dram+package-1+package-1/dram");

        // reading 1: package-0 wraps (9 -> 10 -> 2: 3 J), dram-1 wraps (8 -> 10 -> 1: 3 J), others +1 J each
        write(pkg0, 2_000_000);
        write(dram0, 2_000_000);
        write(pkg1, 6_000_000);
        write(dram1, 1_000_000);
        assertThat(meter.joules()).isCloseTo(3 + 1 + 1 + 3, within(1e-12));

        // reading 2: dram-0 wraps (2 -> 10 -> 0.5: 8.5 J), package-0 wraps again (2 -> 10 -> 1: 9 J), others +2 J
        write(pkg0, 1_000_000);
        write(dram0, 500_000);
        write(pkg1, 8_000_000);
        write(dram1, 3_000_000);
        assertThat(meter.joules()).isCloseTo(8 + 9 + 8.5 + 2 + 2, within(1e-12));

        // reading 3: nothing moved
        assertThat(meter.joules()).isCloseTo(29.5, within(1e-12));
    }

    @Test
    void isUnavailableWithoutReadablePackageCounters() throws IOException {
        assertThat(RaplMeter.open(root.resolve("absent"), true)).isEmpty();
        assertThat(RaplMeter.open(root, true)).as("no zones").isEmpty();

        zone(root, "intel-rapl:1", "psys", 1, RANGE);
        assertThat(RaplMeter.open(root, true)).as("only a platform zone").isEmpty();

        Path pkg = zone(root, "intel-rapl:0", "package-0", 1, RANGE);
        Files.delete(pkg.resolve("energy_uj"));
        Files.createDirectory(pkg.resolve("energy_uj")); // unreadable as a file, like a root-only counter
        assertThat(RaplMeter.open(root, true)).as("unreadable energy_uj").isEmpty();

        Files.delete(pkg.resolve("energy_uj"));
        write(pkg, 1);
        Files.writeString(pkg.resolve("max_energy_range_uj"), "0\n");
        assertThat(RaplMeter.open(root, true)).as("no range to unwrap with").isEmpty();

        Files.writeString(pkg.resolve("max_energy_range_uj"), RANGE + "\n");
        Path dram = zone(pkg, "intel-rapl:0:2", "dram", 1, RANGE);
        Files.writeString(dram.resolve("energy_uj"), "garbage\n");
        assertThat(RaplMeter.open(root, true)).as("malformed dram counter").isEmpty();
        assertThat(RaplMeter.open(root, false)).as("dram not wanted").isPresent();
    }

    @Test
    void failsLoudlyWhenACounterDisappearsMidRun() throws IOException {
        Path pkg = zone(root, "intel-rapl:0", "package-0", 1, RANGE);
        EnergyMeter meter = RaplMeter.open(root, true).orElseThrow();
        Files.delete(pkg.resolve("energy_uj"));
        assertThatThrownBy(meter::joules).hasMessageContaining(pkg.resolve("energy_uj").toString());
    }

    @Test
    void factoryReadsItsSettings() throws IOException {
        zone(root, "intel-rapl:0", "package-0", 1, RANGE);
        RaplMeter.Factory factory = new RaplMeter.Factory();
        assertThat(factory.name()).isEqualTo("rapl");
        assertThat(factory.priority()).isEqualTo(30);
        assertThat(factory.open(Settings.of("ast.meter.", Map.of("root", root.toString())))).isPresent();
        assertThatThrownBy(() -> factory.open(Settings.of("ast.meter.",
                Map.of("root", root.toString(), "includeDram", "yes"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.meter.includeDram='yes'").hasMessageContaining("true or false");
    }

    @Test
    void isUnavailableOnAMachineWithoutReadableRapl() {
        assumeFalse(Files.isReadable(RaplMeter.DEFAULT_ROOT.resolve("intel-rapl:0/energy_uj")),
                "this machine has readable RAPL counters");
        assertThat(new RaplMeter.Factory().open(Settings.empty())).isEmpty();
    }
}
