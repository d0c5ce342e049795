package io.github.ast.examples.study;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.EpochStats;
import io.github.ast.core.RunReport;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The published system's stability study: each configuration of {@link StabilityConfigs} trains the demo's CNN for a
 * few epochs on the whole training set, per engine and seed, and is tested after every epoch. Runs append to
 * {@code study.jsonl} as they finish and a repeated command skips them; {@code summary.md} is rewritten after each.
 */
@Command(name = "stability", mixinStandardHelpOptions = true,
        description = "Trains the published system's variants for a few epochs, testing after each (Markdown summary).")
public final class StabilityCommand implements Callable<Integer> {

    /** The run log's file name. */
    static final String RUNS = "study.jsonl";

    private static final Gson GSON = new Gson();

    @Option(names = "--engines", split = ",", defaultValue = "PyTorch,MXNet",
            description = "engines, one after the other (default ${DEFAULT-VALUE})")
    List<String> engines;

    @Option(names = "--configs", split = ",", description = "configurations (default: all of them)")
    List<String> configs;

    @Option(names = "--seeds", defaultValue = "3", description = "seeds per configuration (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "42", description = "the first seed (default ${DEFAULT-VALUE})")
    long firstSeed;

    @Option(names = "--epochs", defaultValue = "3", description = "epochs per run (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--out", required = true, description = "the study's folder: study.jsonl and summary.md")
    Path out;

    @Mixin
    DataOptions data = new DataOptions();

    @Override
    public Integer call() throws IOException, TranslateException {
        List<String> labels = configs == null ? StabilityConfigs.labels() : configs;
        labels.forEach(StabilityConfigs::description); // an unknown label fails before anything trains
        if (seeds < 1 || epochs < 2 || batch < 1) {
            throw new IllegalArgumentException("--seeds " + seeds + ", --epochs " + epochs + ", --batch " + batch
                    + ": need at least 1 seed, 2 epochs (a swing is between epochs) and 1 row per batch");
        }
        Files.createDirectories(out);
        List<StabilityRun> done = read(out.resolve(RUNS));
        Map<String, NDManager> managers = new LinkedHashMap<>();
        Map<String, FashionMnist.Data> loaded = new LinkedHashMap<>(); // each engine trains on its own arrays
        try {
            for (String engine : engines) {
                managers.put(engine, Engine.getEngine(engine).newBaseManager());
                loaded.put(engine, data.load(managers.get(engine), false));
            }
            for (long seed = firstSeed; seed < firstSeed + seeds; seed++) { // a stopped study holds both engines
                for (String engine : engines) {
                    for (String label : labels) {
                        if (finished(done, engine, label, seed)) {
                            continue;
                        }
                        StabilityRun run = run(engine, label, seed, loaded.get(engine));
                        Files.writeString(out.resolve(RUNS), GSON.toJson(run) + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        done.add(run);
                        System.out.printf(Locale.ROOT, "%-8s %-20s seed %d: test %s, swing %.2f points, %.1f s "
                                + "per epoch%n", engine, label, seed, percentages(run.testAccuracy()),
                                100 * run.swing(), run.epochSeconds());
                        Files.writeString(out.resolve("summary.md"), StabilitySummary.markdown(done, epochs,
                                loaded.get(engine).source()), StandardCharsets.UTF_8);
                    }
                }
            }
        } finally {
            managers.values().forEach(NDManager::close);
        }
        System.out.println("Written to " + out.resolve("summary.md").toAbsolutePath());
        return 0;
    }

    private StabilityRun run(String engine, String label, long seed, FashionMnist.Data loaded) throws IOException,
            TranslateException {
        Engine.getEngine(engine).setRandomSeed((int) seed);
        try (ai.djl.Model model = Models.newModel("stability", "cnn", engine);
                Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
            trainer.initialize(Models.INPUT);
            Dataset train = loaded.train().dataset(batch, true, 0);
            Dataset test = loaded.test().dataset(1000, false, 0);
            RunReport report = AdaptiveSparseTraining.builder(StabilityConfigs.builder(label, batch).engine(engine)
                    .seed(seed).build()).build().fit(trainer, epochs, train, test);
            List<EpochStats> stats = report.epochs();
            return new StabilityRun(engine, label, seed,
                    stats.stream().mapToDouble(EpochStats::validationAccuracy).toArray(),
                    stats.stream().mapToDouble(EpochStats::activationRate).toArray(),
                    stats.stream().mapToDouble(EpochStats::trainSeconds).toArray(), Machine.PROCESSOR);
        }
    }

    private static boolean finished(List<StabilityRun> done, String engine, String label, long seed) {
        return done.stream().anyMatch(r -> r.engine().equals(engine) && r.config().equals(label) && r.seed() == seed);
    }

    static List<StabilityRun> read(Path file) throws IOException {
        List<StabilityRun> runs = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    runs.add(GSON.fromJson(line, StabilityRun.class));
                }
            }
        }
        return runs;
    }

    private static String percentages(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, "%.2f", 100 * v));
        }
        return String.join(" / ", parts) + "%";
    }
}
