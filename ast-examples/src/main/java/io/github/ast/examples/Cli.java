package io.github.ast.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * How every command of the examples ends: bad options print picocli's message and usage; bad values, configuration
 * or data ({@link IllegalArgumentException}, I/O errors) one {@code error:} line with no stack trace; both exit with
 * 2. Anything else is a bug and keeps its trace.
 */
public final class Cli {

    private Cli() {}

    /**
     * Runs a command line.
     *
     * @param command the command, subcommands included
     * @param args the arguments
     * @return the exit code: the command's, 2 for bad input
     */
    public static int execute(CommandLine command, String... args) {
        return command.setExecutionExceptionHandler((e, line, parsed) -> {
            // ConfigurationException is an IllegalArgumentException; everything else keeps its trace.
            if (e instanceof IllegalArgumentException || e instanceof IOException
                    || e instanceof UncheckedIOException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        }).execute(args);
    }
}
