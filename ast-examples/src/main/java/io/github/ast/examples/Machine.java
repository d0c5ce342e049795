package io.github.ast.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the examples' measurements record about the machine they ran on: the processor, read from
 * {@code /proc/cpuinfo}, and the settings timings depend on, so that figures from different machines are not mixed.
 */
public final class Machine {

    private Machine() {}

    /** The processor's model name, e.g. "AMD EPYC", read once. */
    public static final String PROCESSOR_MODEL = cpuInfo("model name").orElse("unknown processor");

    /** The processor's model name and widest vector extension, e.g. "AMD EPYC, avx512f", read once. */
    public static final String PROCESSOR = processor();

    /**
     * Returns one field of the first processor in {@code /proc/cpuinfo}.
     *
     * @param key the field, for example "model name" or "flags"
     * @return its value; empty where the file is missing (not Linux) or has no such field
     */
    public static Optional<String> cpuInfo(String key) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux
        }
    }

    private static String processor() {
        List<String> flags = List.of(cpuInfo("flags").orElse("").split(" "));
        String widest = Stream.of("avx512f", "avx2", "avx", "sse4_2").filter(flags::contains).findFirst()
                .orElse("no AVX recorded");
        return PROCESSOR_MODEL + ", " + widest;
    }

    /**
     * Describes the machine for a results file: the processor as given, the cores, the Java runtime, optionally the
     * operating system, and the environment variables of the given prefixes in force (allocator and thread
     * settings), sorted by name.
     *
     * @param processor how to name the processor, normally {@link #PROCESSOR_MODEL} or {@link #PROCESSOR}
     * @param withOs whether to name the operating system and architecture
     * @param environmentPrefixes the prefixes of the environment variables to record, e.g. {@code MALLOC_}
     * @return cpu, cores, java, os (if asked for) and environment, in that order
     */
    public static Map<String, Object> describe(String processor, boolean withOs, String... environmentPrefixes) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", processor);
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        if (withOs) {
            machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        System.getenv().entrySet().stream().filter(e -> Stream.of(environmentPrefixes).anyMatch(e.getKey()::startsWith))
                .sorted(Map.Entry.comparingByKey()).forEach(e -> environment.put(e.getKey(), e.getValue()));
        machine.put("environment", environment);
        return machine;
    }
}
