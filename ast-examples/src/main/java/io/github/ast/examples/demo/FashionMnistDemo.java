package io.github.ast.examples.demo;

import ai.djl.engine.Engine;
import ai.djl.translate.TranslateException;
import io.github.ast.examples.AstSettings;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import io.github.ast.examples.benchmark.ReportCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a CNN (or MLP) on Fashion-MNIST with adaptive sparse training, on PyTorch, MXNet or both, and
 * times a plain DJL {@code EasyTrain} run on all the data next to it, so that the printed saving can be checked
 * against measured wall-clock time. {@code ast demo --help} lists the options.
 *
 * <p>This class reads and checks the command line and prints the summary; {@link EngineComparison} runs each
 * engine's {@link AstRun} and {@link FullDataRun}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains on Fashion-MNIST with adaptive sparse training, next to plain full-data training.",
            "AST settings go in -Dast.* system properties or a --config file (see README.md)."})
public final class FashionMnistDemo implements Callable<Integer> {

    /** The engines that can train; DJL also registers engines (RPC) that cannot. */
    static final List<String> TRAINING_ENGINES = List.of("PyTorch", "MXNet");

    @Option(names = "--engine", defaultValue = "all", description = "PyTorch, MXNet or all, one after the other "
            + "(default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = Models.NAMES + " (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--epochs", defaultValue = "3", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--limit", defaultValue = "0", description = "use only the first N training samples (0: all)")
    long limit;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--config", description = "properties file with ast.* settings (system properties ast.* "
            + "override it)")
    Path configFile;

    @Option(names = "--no-baseline", negatable = false, description = "skip the comparison run on 100%% of the data "
            + "with plain EasyTrain")
    boolean noBaseline;

    @Option(names = "--report", description = "write each run's configuration, versions and figures as JSON (and "
            + "report.html) into DIR")
    Path report;

    @Option(names = "--checkpoint", description = "checkpoint the AST run into DIR/ENGINE-MODEL and resume from it "
            + "if it holds one")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "also checkpoint every N batches within "
            + "an epoch, N a multiple of ast.reseedEvery (default: epoch ends only)")
    int checkpointEvery;

    /**
     * Runs the demo.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(Cli.execute(new CommandLine(new FashionMnistDemo()), args));
    }

    @Override
    public Integer call() throws IOException, TranslateException {
        DemoSetup setup = setup();
        List<String> summary = new ArrayList<>();
        for (String name : setup.engines()) {
            summary.addAll(EngineComparison.run(setup, name));
        }
        System.out.println();
        System.out.println("Summary");
        summary.forEach(System.out::println);
        if (setup.report() != null) {
            System.out.println("Report: " + ReportCommand.write(setup.report()).toAbsolutePath());
        }
        return 0;
    }

    /** Checks every option before anything trains, and reads AST's configuration. */
    private DemoSetup setup() throws IOException {
        requireAtLeast("--epochs", epochs, 1);
        requireAtLeast("--batch", batch, 1);
        requireAtLeast("--limit", limit, 0);
        requireAtLeast("--checkpoint-every", checkpointEvery, 0);
        Models.byName(model, FashionMnist.CLASSES);
        dataOptions.requireOneSource();
        if (checkpointEvery > 0 && checkpoint == null) {
            throw new IllegalArgumentException("--checkpoint-every " + checkpointEvery
                    + " needs --checkpoint DIR to say where checkpoints go");
        }
        List<String> engines = selectEngines(engine, List.copyOf(Engine.getAllEngines()));
        return new DemoSetup(engines, model, epochs, batch, limit, dataOptions, AstSettings.read(configFile),
                !noBaseline, report, checkpoint, checkpointEvery);
    }

    private static void requireAtLeast(String option, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(option + " " + value + " must be >= " + least);
        }
    }

    private static List<String> selectEngines(String requested, List<String> available) {
        if ("all".equalsIgnoreCase(requested)) {
            return TRAINING_ENGINES.stream().filter(available::contains).toList();
        }
        String chosen = available.stream().filter(e -> e.equalsIgnoreCase(requested.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--engine " + requested
                        + " is not available; available: " + available + " or all (= " + TRAINING_ENGINES + ")"));
        return List.of(chosen);
    }
}
