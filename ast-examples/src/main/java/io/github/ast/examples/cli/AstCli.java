package io.github.ast.examples.cli;

import io.github.ast.controllers.simulation.SimulationReport;
import io.github.ast.examples.Cli;
import io.github.ast.examples.benchmark.BenchmarkCommand;
import io.github.ast.examples.benchmark.ProfileCommand;
import io.github.ast.examples.benchmark.ReportCommand;
import io.github.ast.examples.study.StabilityCommand;
import io.github.ast.examples.demo.FashionMnistDemo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The examples' one command line, {@code ast}: the demo, the benchmark, the profile, the controllers' simulation
 * report, the rendering of a results folder and the configuration reference, each with {@code --help}. The runnable jar's entry point:
 * {@code java -jar ast-examples/target/ast.jar --help}.
 */
@Command(name = "ast", mixinStandardHelpOptions = true, version = "AST 0.1.0-SNAPSHOT",
        description = "Adaptive sparse training for DJL: demo, benchmark, profile, controllers, report, configuration.",
        commandListHeading = "%nCommands (ast COMMAND --help for each):%n")
public final class AstCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs a subcommand.
     *
     * @param args the subcommand and its options; none prints the help
     */
    public static void main(String[] args) {
        System.exit(Cli.execute(commandLine(args), args));
    }

    /**
     * Builds the command line; the benchmark and the profile record the arguments after their name.
     *
     * @param args the whole command line
     * @return the command with its subcommands
     */
    static CommandLine commandLine(String... args) {
        return new CommandLine(new AstCli())
                .addSubcommand("demo", new FashionMnistDemo())
                .addSubcommand("benchmark", new BenchmarkCommand(after("benchmark", args)))
                .addSubcommand("profile", new ProfileCommand(after("profile", args)))
                .addSubcommand("controllers", new ControllersCommand())
                .addSubcommand("report", new ReportCommand())
                .addSubcommand("stability", new StabilityCommand())
                .addSubcommand("configuration", new ConfigurationCommand());
    }

    /** The arguments after a subcommand's name, or none when it is not on the command line. */
    static String[] after(String subcommand, String[] args) {
        int at = Arrays.asList(args).indexOf(subcommand);
        return at < 0 ? new String[0] : Arrays.copyOfRange(args, at + 1, args.length);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A command that writes one Markdown document, to standard output or to {@code --out}. */
    abstract static class MarkdownCommand implements Callable<Integer> {

        @Option(names = "--out", description = "write it to this file instead of standard output")
        Path out;

        abstract String markdown();

        @Override
        public Integer call() throws java.io.IOException {
            String markdown = markdown();
            if (out == null) {
                System.out.print(markdown);
            } else {
                Files.writeString(out, markdown, StandardCharsets.UTF_8);
                System.out.println("Written to " + out.toAbsolutePath());
            }
            return 0;
        }
    }

    /** The controllers' simulation report: every registered controller on synthetic significance streams. */
    @Command(name = "controllers", mixinStandardHelpOptions = true,
            description = "Simulates every registered controller on synthetic significance streams (Markdown).")
    static final class ControllersCommand extends MarkdownCommand {
        @Override
        String markdown() {
            return SimulationReport.markdown(SimulationReport.registeredControllers());
        }
    }

    /** The configuration reference, {@code docs/configuration.md}: every plugin setting on the class path. */
    @Command(name = "configuration", mixinStandardHelpOptions = true,
            description = "Lists every plugin setting with its type, default and description (Markdown).")
    static final class ConfigurationCommand extends MarkdownCommand {
        @Override
        String markdown() {
            return ConfigurationDoc.markdown(AstCli.class.getClassLoader());
        }
    }
}
