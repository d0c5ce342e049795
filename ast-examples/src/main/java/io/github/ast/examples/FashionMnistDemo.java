package io.github.ast.examples;

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
import io.github.ast.core.Checkpointing;
import io.github.ast.core.EnergyMeters;
import io.github.ast.core.EpochStats;
import io.github.ast.core.RunReport;
import io.github.ast.core.TrainingObserver;
import io.github.ast.core.optim.ResumableAdam;
import io.github.ast.energy.CarbonIntensity;
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

/**
 * Trains a CNN (or MLP) on Fashion-MNIST with adaptive sparse training, on PyTorch, MXNet or both, and
 * times a plain DJL {@code EasyTrain} run on all the data next to it, so that the printed saving can be checked
 * against measured wall-clock time. The options are in {@link #USAGE}, which {@code --help} prints.
 */
public final class FashionMnistDemo {

    /** The command line's options, printed by {@code --help}. */
    static final String USAGE = """
            Trains on Fashion-MNIST with adaptive sparse training, next to plain full-data training.
            Options (AST settings go in -Dast.* system properties, see README.md):
              --engine PyTorch|MXNet|all   engines to run, one after the other (default all)
              --model cnn|mlp              network (default cnn)
              --epochs N                   epochs (default 3)
              --batch N                    batch size (default 128)
              --limit N                    use only the first N training samples (default: all)
              --data DIR                   directory with the four IDX .gz files (default: Debian's, else the
                                           embedded slice)
              --config FILE                properties file with ast.* settings (system properties ast.* override it)
              --no-baseline                skip the comparison run on 100% of the data with plain EasyTrain
              --report DIR                 write each run's configuration, versions and figures as JSON into DIR
              --checkpoint DIR             checkpoint the AST run into DIR/ENGINE-MODEL and resume from it if it
                                           holds one
              --checkpoint-every N         also checkpoint every N batches within an epoch, N a multiple of
                                           ast.reseedEvery (default: epoch ends only)
              --help                       print this and exit
            """;

    /** The engines that can train; DJL also registers engines (RPC) that cannot. */
    static final List<String> TRAINING_ENGINES = List.of("PyTorch", "MXNet");
    private static final Shape INPUT = new Shape(1, 1, 28, 28);

    private FashionMnistDemo() {}

    /**
     * Runs the demo.
     *
     * @param args see the class comment
     * @throws Exception if loading or training fails
     */
    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        try {
            Options options = Options.parse(args);
            List<String> summary = new ArrayList<>();
            for (String engine : options.engines()) {
                summary.addAll(runEngine(options, engine));
            }
            System.out.println();
            System.out.println("Summary");
            summary.forEach(System.out::println);
        } catch (IllegalArgumentException | IOException e) {
            // Bad options, configuration or data: one clear line, no stack trace, non-zero exit.
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static List<String> runEngine(Options options, String engineName) throws IOException, TranslateException {
        List<String> lines = new ArrayList<>();
        AstConfig config = options.config().toBuilder().engine(engineName).build();
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data data = FashionMnist.load(manager, options.data());
            ArrayDataset train = data.train().dataset(options.batch(), true, options.limit());
            ArrayDataset test = data.test().dataset(options.batch(), false, 0);
            System.out.printf(Locale.ROOT, "%n== %s %s | %s | %s: %d train / %d test | %d epochs, batch %d%n",
                    engineName, engine.getVersion(), options.model(), data.source(), train.size(), test.size(),
                    options.epochs(), options.batch());
            System.out.println("   config " + config.toProperties());

            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
            RunReport report;
            engine.setRandomSeed((int) config.seed());
            ResumableAdam optimizer = Models.optimizer();
            Checkpointing checkpointing = checkpointing(options, engineName, optimizer);
            try (Model model = newModel(options, engineName)) {
                if (checkpointing != null && checkpointing.restoreParameters(model, INPUT)) {
                    System.out.println("   resuming from the latest checkpoint in " + checkpointing.directory());
                }
                try (Trainer trainer = newTrainer(model, optimizer)) {
                    report = ast.fit(trainer, options.epochs(), train, test, new TrainingObserver() {
                        @Override
                        public void onEpoch(EpochStats stats) {
                            System.out.println("   AST  " + stats.line());
                        }
                    }, checkpointing);
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
                    100 * settled, 100 * config.targetRate(), savings, astSeconds,
                    energyText(astJoules, report.meter(), report.meterIsEstimate())));

            if (options.baseline()) {
                engine.setRandomSeed((int) config.seed());
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
        Optional<EnergyMeter> meter = EnergyMeters.open(config.meter(), config.contextFor("meter", Map.of())
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
                // DJL's own listeners keep working; its progress bars only where a person watches a terminal.
                .addTrainingListeners(System.console() != null
                        ? TrainingListener.Defaults.logging()
                        : TrainingListener.Defaults.basic());
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

    /** Parsed command line. */
    record Options(List<String> engines, String model, int epochs, int batch, long limit, Path data,
            AstConfig config, boolean baseline, Path report, Path checkpoint, int checkpointEvery) {

        static Options parse(String[] args) throws IOException {
            String engine = "all";
            String model = "cnn";
            int epochs = 3;
            int batch = 128;
            long limit = 0;
            Path data = null;
            Path configFile = null;
            boolean baseline = true;
            Path report = null;
            Path checkpoint = null;
            int checkpointEvery = 0;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--engine" -> engine = value(args, ++i, arg);
                    case "--model" -> model = value(args, ++i, arg);
                    case "--epochs" -> epochs = positive(value(args, ++i, arg), arg);
                    case "--batch" -> batch = positive(value(args, ++i, arg), arg);
                    case "--limit" -> limit = positive(value(args, ++i, arg), arg);
                    case "--data" -> data = Path.of(value(args, ++i, arg));
                    case "--config" -> configFile = Path.of(value(args, ++i, arg));
                    case "--report" -> report = Path.of(value(args, ++i, arg));
                    case "--no-baseline" -> baseline = false;
                    case "--checkpoint" -> checkpoint = Path.of(value(args, ++i, arg));
                    case "--checkpoint-every" -> checkpointEvery = positive(value(args, ++i, arg), arg);
                    default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; options: --engine,"
                            + " --model, --epochs, --batch, --limit, --data, --config, --no-baseline, --report,"
                            + " --checkpoint, --checkpoint-every, --help (run with --help for what they do)");
                }
            }
            Models.byName(model, FashionMnist.CLASSES);
            if (checkpointEvery > 0 && checkpoint == null) {
                throw new IllegalArgumentException("--checkpoint-every " + checkpointEvery
                        + " needs --checkpoint DIR to say where checkpoints go");
            }
            List<String> available = List.copyOf(Engine.getAllEngines());
            List<String> engines = selectEngines(engine, available);
            Properties properties = new Properties();
            if (configFile != null) {
                try (InputStream in = Files.newInputStream(configFile)) {
                    properties.load(in);
                }
            }
            System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(AstConfig.PREFIX))
                    .forEach(n -> properties.setProperty(n, System.getProperty(n)));
            return new Options(engines, model, epochs, batch, limit, data, AstConfig.fromProperties(properties),
                    baseline, report, checkpoint, checkpointEvery);
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

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static int positive(String text, String option) {
            try {
                int value = Integer.parseInt(text);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " " + text + " must be a positive integer");
        }
    }
}
