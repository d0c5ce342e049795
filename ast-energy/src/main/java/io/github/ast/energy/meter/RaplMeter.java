package io.github.ast.energy.meter;

import io.github.ast.api.EnergyMeter;
import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measures CPU energy with Intel RAPL (also exposed for AMD Zen) through Linux's powercap files, the hardware
 * counter CodeCarbon and Scaphandre read.
 *
 * <p>What is summed: every package domain ({@code intel-rapl:N} whose {@code name} starts with {@code package}) and,
 * with {@code includeDram} (the default), each package's {@code dram} sub-domain ({@code intel-rapl:N/intel-rapl:N:M}
 * named {@code dram}), which the package counter does not include. Skipped, because they would count energy twice:
 * the {@code core} and {@code uncore} sub-domains (inside the package), {@code psys} (the whole platform, package
 * included) and the {@code intel-rapl-mmio} duplicates. The figure covers every process on the machine, not this
 * process's share.
 *
 * <p>Each {@code energy_uj} counter restarts from 0 after {@code max_energy_range_uj}; a reading below the previous
 * one is taken as one wrap. Two wraps between readings cannot be told from one, so the meter must be read more often
 * than a domain wraps (the range divided by its power: about 70 minutes for a 262,143 J range at 60 W); the trainer
 * reads it every batch. Unavailable where the files are absent (most VMs) or unreadable: {@code energy_uj} is
 * readable by root only since the 2020 fix for the PLATYPUS attack (CVE-2020-8694), unless an administrator
 * relaxes it.
 */
public final class RaplMeter implements EnergyMeter {

    /** Where Linux exposes powercap zones. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/class/powercap");

    private static final Pattern PACKAGE_ZONE = Pattern.compile("intel-rapl:\\d{1,9}");
    private static final Pattern SUB_ZONE = Pattern.compile("intel-rapl:\\d{1,9}:\\d{1,9}");

    /** One counter: its label, its file, its range and its last reading. */
    private static final class Domain {
        final String label;
        final Path energyFile;
        final long rangeMicrojoules;
        long lastMicrojoules;

        Domain(String label, Path energyFile, long rangeMicrojoules, long firstMicrojoules) {
            this.label = label;
            this.energyFile = energyFile;
            this.rangeMicrojoules = rangeMicrojoules;
            this.lastMicrojoules = firstMicrojoules;
        }
    }

    private final List<Domain> domains;
    private long totalMicrojoules;

    private RaplMeter(List<Domain> domains) {
        this.domains = domains;
    }

    /**
     * Opens the meter on the domains found under a powercap directory.
     *
     * @param root the powercap directory, normally {@link #DEFAULT_ROOT}
     * @param includeDram whether to add the DRAM sub-domains to the packages
     * @return the meter, or empty if no package domain is there or one of the chosen counters cannot be read
     */
    public static Optional<RaplMeter> open(Path root, boolean includeDram) {
        try {
            List<Domain> domains = new ArrayList<>();
            for (Path zone : zones(root, PACKAGE_ZONE)) {
                String packageName = readString(zone.resolve("name"));
                if (!packageName.startsWith("package")) {
                    continue;
                }
                domains.add(domain(packageName, zone));
                if (includeDram) {
                    for (Path sub : zones(zone, SUB_ZONE)) {
                        if (readString(sub.resolve("name")).equals("dram")) {
                            domains.add(domain(packageName + "/dram", sub));
                        }
                    }
                }
            }
            return domains.isEmpty() ? Optional.empty() : Optional.of(new RaplMeter(domains));
        } catch (IOException e) {
            // absent, root-only or malformed counters: this machine has no usable RAPL
            return Optional.empty();
        }
    }

    @Override
    public String description() {
        return "RAPL " + domains.stream().map(d -> d.label).collect(Collectors.joining("+"));
    }

    @Override
    public boolean isEstimate() {
        return false;
    }

    /**
     * Reads every counter and returns the energy since the meter was opened.
     *
     * @throws UncheckedIOException if a counter that was readable at opening no longer is
     */
    @Override
    public synchronized double joules() {
        for (Domain domain : domains) {
            long now;
            try {
                now = readLong(domain.energyFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read RAPL counter " + domain.energyFile, e);
            }
            long delta = now >= domain.lastMicrojoules ? now - domain.lastMicrojoules
                    : domain.rangeMicrojoules - domain.lastMicrojoules + now;
            totalMicrojoules += delta;
            domain.lastMicrojoules = now;
        }
        return totalMicrojoules / 1e6;
    }

    private static Domain domain(String label, Path zone) throws IOException {
        long range = readLong(zone.resolve("max_energy_range_uj"));
        if (range <= 0) {
            throw new IOException(zone.resolve("max_energy_range_uj") + " is " + range + ", not a positive range");
        }
        return new Domain(label, zone.resolve("energy_uj"), range, readLong(zone.resolve("energy_uj")));
    }

    /** Lists the zones in a directory whose names match, in numeric order of the index after their last colon. */
    private static List<Path> zones(Path directory, Pattern pattern) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> pattern.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(p -> {
                        String name = p.getFileName().toString();
                        return Long.parseLong(name.substring(name.lastIndexOf(':') + 1));
                    }))
                    .toList();
        }
    }

    private static String readString(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    private static long readLong(Path file) throws IOException {
        String text = readString(file);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + text + "', not an integer", e);
        }
    }

    /**
     * The meter's settings.
     *
     * @param root the powercap directory
     * @param includeDram whether to add the DRAM sub-domains to the packages
     */
    public record Options(
            @Option(description = "the powercap directory the counters are read from") String root,
            @Option(description = "add each package's DRAM sub-domain, which the package counter leaves out")
            boolean includeDram) {

        /** Linux's powercap directory, DRAM included. */
        public static final Options DEFAULTS = new Options(DEFAULT_ROOT.toString(), true);
    }

    /** Opens the meter under the name {@code rapl} at priority 30, ahead of GPU and estimated meters. */
    public static final class Factory implements EnergyMeterFactory {

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public String name() {
            return "rapl";
        }

        @Override
        public int priority() {
            return 30;
        }

        @Override
        public Optional<EnergyMeter> open(Settings settings) {
            Options options = OptionsBinder.bind(Options.class, settings);
            return RaplMeter.open(Path.of(options.root()), options.includeDram()).map(EnergyMeter.class::cast);
        }
    }
}
