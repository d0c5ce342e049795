package io.github.ast.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** What the examples' measurements record about the processor they ran on, read from {@code /proc/cpuinfo}. */
public final class Machine {

    private Machine() {}

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
}
