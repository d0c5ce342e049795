package io.github.ast.examples.demo;

import ai.djl.engine.Engine;
import ai.djl.translate.TranslateException;
import io.github.ast.examples.AstSettings;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
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
 * Trains a CNN (or MLP) on Fashion-MNIST three ways for the same training time, on PyTorch, MXNet or both: the
 * published system, {@code auto}, and plain DJL training on all the data; then says which reached the best test
 * accuracy first and by how much. {@code ast demo --help} lists the options.
 *
 * <p>This class reads and checks the command line and prints the summary; {@link EngineComparison} runs each
 * engine's race.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains on Fashion-MNIST with the published system, auto and plain full-data training, each "
            + "for the same training time, and says which reached the best accuracy first.",
            "AST settings go in -Dast.* system properties or a --config file (see README.md)."})
public final class FashionMnistDemo implements Callable<Integer> {

    /** The engines that can train; DJL also registers engines (RPC) that cannot. */
    static final List<String> TRAINING_ENGINES = List.of("PyTorch", "MXNet");

    @Option(names = "--engine", defaultValue = "all", description = "PyTorch, MXNet or all, one after the other "
            + "(default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = Models.NAMES + " (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--budget", defaultValue = "30", description = "training seconds of each run, evaluations "
            + "excluded (default ${DEFAULT-VALUE})")
    double budget;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--limit", defaultValue = "0", description = "use only the first N training samples (0: all)")
    long limit;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--config", description = "properties file with ast.* settings (system properties ast.* "
            + "override it)")
    Path configFile;

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
            summary.add(EngineComparison.run(setup, name));
        }
        System.out.println();
        System.out.println("Summary");
        summary.forEach(System.out::println);
        return 0;
    }

    /** Checks every option before anything trains, and reads AST's configuration. */
    private DemoSetup setup() throws IOException {
        if (!(budget > 0) || Double.isInfinite(budget)) {
            throw new IllegalArgumentException("--budget " + budget + " must be a finite number of seconds > 0");
        }
        requireAtLeast("--batch", batch, 1);
        requireAtLeast("--limit", limit, 0);
        Models.byName(model, FashionMnist.CLASSES);
        dataOptions.requireOneSource();
        List<String> engines = selectEngines(engine, List.copyOf(Engine.getAllEngines()));
        return new DemoSetup(engines, model, budget, batch, limit, dataOptions, AstSettings.read(configFile));
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
