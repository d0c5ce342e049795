package io.github.ast.examples.benchmark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.util.ProgressBar;
import io.github.ast.core.AstConfig;
import io.github.ast.core.Provenance;
import io.github.ast.examples.FashionMnist;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: full-data training, a random subset at the target rate, top-k and AST, interleaved seed by seed in
 * one invocation on one machine, under the same budget. Writes JSON, CSV, a Markdown table and PNG plots.
 */
@Command(name = "ast-benchmark", mixinStandardHelpOptions = true,
        description = "Compares full-data training, a random subset, top-k and AST on Fashion-MNIST.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--engine", defaultValue = "MXNet", description = "PyTorch or MXNet (default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = "cnn or mlp (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--methods", defaultValue = "full,random,top-k,ast,history,ast-100", split = ",",
            description = "methods to compare (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--seeds", defaultValue = "3", description = "seeds per method (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--epochs", defaultValue = "6", description = "epochs per run at most (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--budget", defaultValue = "Infinity",
            description = "training seconds per run at most, checked after each epoch (default: none)")
    double budget;

    @Option(names = "--rate", defaultValue = "0.10", description = "target activation rate (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--targets", defaultValue = "0.80,0.85,0.88,0.90", split = ",",
            description = "accuracy targets for time-to-accuracy (default ${DEFAULT-VALUE})")
    double[] targets;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--limit", defaultValue = "0", description = "use the first N training samples (0: all)")
    long limit;

    @Option(names = "--data", description = "directory with the IDX .gz files (default: Debian's, else embedded)")
    Path data;

    @Option(names = "--out", defaultValue = "benchmark-results", description = "output directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quick", description = "MLP, 1 seed, 3 epochs: a few minutes on 2 cores")
    boolean quick;

    private final String[] args;

    private BenchmarkCommand(String[] args) {
        this.args = args.clone();
    }

    /**
     * Runs the benchmark.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCommand(args)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            model = "mlp";
            seeds = 1;
            epochs = 3;
        }
        List<Method> chosen = methods.stream().map(Method::of).toList();
        if (seeds < 1 || epochs < 1 || !(budget > 0)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--seeds " + seeds + ", --epochs " + epochs + " and --budget " + budget + " must be positive");
        }
        Properties properties = new Properties();
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(AstConfig.PREFIX))
                .forEach(n -> properties.setProperty(n, System.getProperty(n)));
        AstConfig config = AstConfig.fromProperties(properties).toBuilder().engine(engine).targetRate(rate).build();

        Engine djlEngine = Engine.getEngine(engine);
        try (NDManager manager = djlEngine.newBaseManager()) {
            FashionMnist.Data loaded = FashionMnist.load(manager, data);
            ArrayDataset train = loaded.train().dataset(batch, true, limit);
            ArrayDataset test = loaded.test().dataset(512, false, 0);
            System.out.printf(Locale.ROOT, "Benchmark: %s %s, %s (%d train / %d test), methods %s, %d seed(s), "
                    + "%d epochs max, budget %s s, rate %.2f%n", engine, model, loaded.source(), train.size(),
                    test.size(), methods, seeds, epochs, budget, rate);
            BenchmarkRunner runner = new BenchmarkRunner(engine, model, train, test, config, epochs, budget);
            List<RunResult> results = new ArrayList<>();
            List<Double> scoringPasses = new ArrayList<>();
            ProgressBar progress = new ProgressBar("Benchmark runs", (long) seeds * chosen.size());
            // Interleaved: every method once per seed, so slow drifts of the machine hit all methods alike.
            for (int s = 0; s < seeds; s++) {
                scoringPasses.add(runner.scoringPassSeconds(42L + s));
                for (Method method : chosen) {
                    RunResult result = runner.run(method, 42L + s);
                    results.add(result);
                    progress.increment(1);
                    EpochPoint last = result.last();
                    System.out.printf(Locale.ROOT, "%n  %-8s seed %d: %d epochs, %.1f s, test acc %.2f%%, "
                            + "activation %.1f%%%n", method.label(), 42 + s, result.epochs().size(),
                            last.cumulativeSeconds(), 100 * last.testAccuracy(), 100 * last.activation());
                }
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("model", model);
            extra.put("data", loaded.source());
            extra.put("trainSamples", train.size());
            extra.put("batch", batch);
            extra.put("seeds", seeds);
            extra.put("maxEpochs", epochs);
            extra.put("budgetSeconds", budget);
            extra.put("targets", targets);
            BenchmarkReport report = new BenchmarkReport(results, BenchmarkReport.setup(
                    "ast-benchmark " + String.join(" ", args), config, Provenance.of(djlEngine), extra), targets, rate,
                    scoringPasses);
            report.write(out);
            System.out.println();
            System.out.println(report.markdown());
            System.out.println("Results written to " + out.toAbsolutePath() + " " + Arrays.asList("results.json",
                    "results.csv", "summary.md", "accuracy.png", "activation.png", "threshold.png", "energy.png"));
        }
        return 0;
    }
}
