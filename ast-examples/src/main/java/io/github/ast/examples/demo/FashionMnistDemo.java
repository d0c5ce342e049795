package io.github.ast.examples.demo;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.api.EnergyMeter;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigCodec;
import io.github.ast.core.Checkpointing;
import io.github.ast.core.ConsoleOutput;
import io.github.ast.core.EnergyMeters;
import io.github.ast.core.EpochStats;
import io.github.ast.core.RunReport;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.energy.CarbonIntensity;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import io.github.ast.examples.benchmark.ReportCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a CNN (or MLP) on Fashion-MNIST with adaptive sparse training, on PyTorch, MXNet or both, and
 * times a plain DJL {@code EasyTrain} run on all the data next to it, so that the printed saving can be checked
 * against measured wall-clock time. {@code ast demo --help} lists the options.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains on Fashion-MNIST with adaptive sparse training, next to plain full-data training.",
            "AST settings go in -Dast.* system properties or a --config file (see README.md)."})
public final class FashionMnistDemo implements Callable<Integer> {

    /** The engines that can train; DJL also registers engines (RPC) that cannot. */
    static final List<String> TRAINING_ENGINES = List.of("PyTorch", "MXNet");
    private static final Shape INPUT = new Shape(1, 1, 28, 28);

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
        Options options = options();
        List<String> summary = new ArrayList<>();
        for (String name : options.engines()) {
            summary.addAll(runEngine(options, name));
        }
        System.out.println();
        System.out.println("Summary");
        summary.forEach(System.out::println);
        if (options.report() != null) {
            System.out.println("Report: " + ReportCommand.write(options.report()).toAbsolutePath());
        }
        return 0;
    }

    private Options options() throws IOException {
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
        Properties properties = new Properties();
        if (configFile != null) {
            try (InputStream in = Files.newInputStream(configFile)) {
                properties.load(in);
            }
        }
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(AstConfigCodec.PREFIX))
                .forEach(n -> properties.setProperty(n, System.getProperty(n)));
        return new Options(engines, model, epochs, batch, limit, dataOptions, AstConfig.fromProperties(properties),
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

    private static List<String> runEngine(Options options, String engineName) throws IOException, TranslateException {
        List<String> lines = new ArrayList<>();
        AstConfig config = options.config().toBuilder().engine(engineName).build();
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data data = options.data().load(manager, true);
            ArrayDataset train = data.train().dataset(options.batch(), true, options.limit());
            ArrayDataset test = data.test().dataset(options.batch(), false, 0);
            System.out.printf(Locale.ROOT, "%n== %s %s | %s | %s: %d train / %d test | %d epochs, batch %d%n",
                    engineName, engine.getVersion(), options.model(), data.source(), train.size(), test.size(),
                    options.epochs(), options.batch());
            System.out.println("   config " + config.toProperties());

            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
            RunReport report;
            engine.setRandomSeed((int) config.random().seed());
            ResumableAdam optimizer = Models.optimizer();
            Checkpointing checkpointing = checkpointing(options, engineName, optimizer);
            try (Model model = newModel(options, engineName)) {
                if (checkpointing != null && checkpointing.restoreParameters(model, INPUT)) {
                    System.out.println("   resuming from the latest checkpoint in " + checkpointing.directory());
                }
                try (Trainer trainer = newTrainer(model, optimizer)) {
                    report = ast.fit(trainer, options.epochs(), train, test, ConsoleOutput.standard("   AST  "),
                            checkpointing);
                }
            }
            if (options.report() != null) {
                writeReport(options.report(), engineName, options.model(), report);
            }
            EpochStats last = report.last();
            double astSeconds = median(report.epochs().stream().mapToDouble(EpochStats::trainSeconds).toArray());
            double settled = report.epochs().size() > 1
                    ? report.epochs().subList(1, report.epochs().size()).stream()
                            .mapToDouble(EpochStats::activationRate).average().orElse(Double.NaN)
                    : last.activationRate();
            StringBuilder savings = new StringBuilder();
            report.totalEnergies().forEach((name, energy) -> savings.append(String.format(Locale.ROOT, " %s %.1f%%",
                    name, 100 * energy.savings())));
            double astJoules = report.totalJoules();
            lines.add(String.format(Locale.ROOT,
                    "%-8s %s AST:  test acc %.2f%% | activation %.1f%% (epochs 2+: %.1f%%, target %.0f%%)"
                            + " | counted savings (scoring included):%s | median train epoch %.1fs | %s",
                    engineName, options.model(), 100 * last.validationAccuracy(), 100 * last.activationRate(),
                    100 * settled, 100 * config.target().targetRate(), savings, astSeconds,
                    energyText(astJoules, report.meter(), report.meterIsEstimate())));

            if (options.baseline()) {
                engine.setRandomSeed((int) config.random().seed());
                double[] baseline = fullDataRun(options, config, engineName, train, test);
                lines.add(String.format(Locale.ROOT,
                        "%-8s %s full: test acc %.2f%% | median train epoch %.1fs | %s",
                        engineName, options.model(), 100 * baseline[1], baseline[0],
                        energyText(baseline[2], report.meter(), report.meterIsEstimate())));
                lines.add(String.format(Locale.ROOT,
                        "%-8s %s measured, AST vs full, same run: epoch time %.2fx (speed-up %.2fx), energy %.2fx "
                                + "(saving %.1f%%)%s",
                        engineName, options.model(), astSeconds / baseline[0], baseline[0] / astSeconds,
                        astJoules / baseline[2], 100 * (1 - astJoules / baseline[2]),
                        report.meterIsEstimate() ? ", energy is an ESTIMATE from CPU time" : ""));
            }
        }
        return lines;
    }

    /** The AST run's checkpoints, one directory per engine and model, or null without {@code --checkpoint}. */
    private static Checkpointing checkpointing(Options options, String engineName, ResumableAdam optimizer) {
        if (options.checkpoint() == null) {
            return null;
        }
        Path directory = options.checkpoint().resolve(engineName + "-" + options.model());
        return (options.checkpointEvery() > 0 ? Checkpointing.everyBatches(directory, options.checkpointEvery())
                : Checkpointing.everyEpoch(directory)).withOptimizer(optimizer);
    }

    /** Formats measured joules, their kWh and CO2 at the world-average grid intensity, and the meter. */
    private static String energyText(double joules, String meter, boolean estimate) {
        if (Double.isNaN(joules)) {
            return "no energy meter";
        }
        return String.format(Locale.ROOT, "%.0f J = %.2e kWh = %.3f g CO2 at %.0f g/kWh (%s%s)", joules,
                CarbonIntensity.kilowattHours(joules), CarbonIntensity.WORLD_AVERAGE.grams(joules),
                CarbonIntensity.WORLD_AVERAGE.gramsPerKwh(), meter, estimate ? ", ESTIMATE" : "");
    }

    /**
     * Plain DJL training on every sample, the loop of {@code EasyTrain.fit}, metered like the AST run.
     *
     * @return median epoch seconds, final test accuracy, joules over the training loops (NaN without a meter)
     */
    private static double[] fullDataRun(Options options, AstConfig config, String engineName, ArrayDataset train,
            ArrayDataset test) throws IOException, TranslateException {
        Optional<EnergyMeter> meter = EnergyMeters.open(config.plugins().meter(), config.contextFor("meter", Map.of())
                .settings());
        try (Model model = newModel(options, engineName);
                Trainer trainer = newTrainer(model, Models.optimizer())) {
            double[] seconds = new double[options.epochs()];
            float accuracy = Float.NaN;
            double joules = 0;
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                double joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
                long start = System.nanoTime();
                for (Batch batch : trainer.iterateDataset(train)) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                    batch.close();
                }
                seconds[epoch] = (System.nanoTime() - start) / 1e9;
                joules += meter.map(m -> m.joules() - joulesAtStart).orElse(Double.NaN);
                EasyTrain.evaluateDataset(trainer, test);
                trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                accuracy = trainer.getTrainingResult().getValidateEvaluation("Accuracy");
                System.out.printf(Locale.ROOT, "   full Epoch %d/%d | Acc: %5.1f%% | %.1fs%n", epoch + 1,
                        options.epochs(), 100 * accuracy, seconds[epoch]);
            }
            return new double[] {median(seconds), accuracy, joules};
        } finally {
            meter.ifPresent(EnergyMeter::close);
        }
    }

    private static Model newModel(Options options, String engineName) {
        Model model = Model.newInstance("fashion-" + options.model(), Device.cpu(), engineName);
        model.setBlock(Models.byName(options.model(), FashionMnist.CLASSES));
        return model;
    }

    private static Trainer newTrainer(Model model, ResumableAdam optimizer) {
        DefaultTrainingConfig config = Models.trainingConfig(optimizer)
                .addEvaluator(new Accuracy())
                // DJL's own listeners keep working; AST's console output draws the progress bar.
                .addTrainingListeners(TrainingListener.Defaults.basic());
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(INPUT);
        return trainer;
    }

    private static void writeReport(Path directory, String engine, String model, RunReport report)
            throws IOException {
        Files.createDirectories(directory);
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", report.config().toProperties());
        json.put("provenance", report.provenance());
        json.put("energyUnit", report.energyUnit());
        json.put("epochs", report.epochs());
        Path file = directory.resolve("ast-" + engine.toLowerCase(Locale.ROOT) + "-" + model + ".json");
        Files.writeString(file, gson.toJson(json));
        System.out.println("   report written to " + file);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The checked command line. */
    record Options(List<String> engines, String model, int epochs, int batch, long limit, DataOptions data,
            AstConfig config, boolean baseline, Path report, Path checkpoint, int checkpointEvery) {}
}
