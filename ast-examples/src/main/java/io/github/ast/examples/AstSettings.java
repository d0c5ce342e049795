package io.github.ast.examples;

import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * AST's settings as the example commands take them: an optional properties file, overridden by the JVM's
 * {@code -Dast.*} system properties, so that the demo and the benchmark read their configuration alike.
 */
public final class AstSettings {

    private AstSettings() {}

    /**
     * Reads the configuration.
     *
     * @param file a properties file of {@code ast.*} settings, or null for the system properties alone
     * @return the configuration; the engine is left as the settings give it
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if a setting is invalid
     */
    public static AstConfig read(Path file) throws IOException {
        Properties properties = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
        }
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(AstConfigCodec.PREFIX))
                .forEach(n -> properties.setProperty(n, System.getProperty(n)));
        return AstConfig.fromProperties(properties);
    }
}
