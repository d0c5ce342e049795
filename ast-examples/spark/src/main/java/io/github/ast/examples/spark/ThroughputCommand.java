package io.github.ast.examples.spark;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.Provenance;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import io.github.ast.examples.benchmark.Stats;
import io.github.ast.spark.InProcessScoring;
import io.github.ast.spark.ScoringModel;
import io.github.ast.spark.SparkScoring;
import io.github.ast.spark.SparkScoringConfig;
import io.github.ast.spark.SparkSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scoring throughput of the whole Fashion-MNIST training set: Spark in {@code local[1]} and {@code local[2]}
 * (reading Parquet, scoring, selecting, writing the selection), the same scoring in one JVM without Spark, and the
 * scoring pass of {@link AdaptiveSparseTrainer} as its profiler times it; each several times, the order rotated from
 * run to run. Also checks that Spark's selection equals the in-process one. Writes {@code throughput.json} and
 * {@code throughput.md}.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Measure the scoring throughput of Spark local[1], local[2] and one JVM on Fashion-MNIST.")
final class ThroughputCommand implements Callable<Integer> {

    private static final List<String> MODES = List.of("in-process", "local[1]", "local[2]", "trainer");

    @Mixin
    WarmModel warm;

    @Option(names = "--runs", defaultValue = "3", description = "runs of each mode (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--trainer-batches", defaultValue = "100",
            description = "batches of 128 the trainer's scoring pass is timed on (default ${DEFAULT-VALUE})")
    int trainerBatches;

    @Option(names = "--out", required = true, description = "directory for throughput.json and throughput.md")
    Path out;

    /** One timed run. */
    record Run(String mode, int run, double seconds, long rows, double samplesPerSecond) {}

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || trainerBatches < 1) {
            throw new IllegalArgumentException("--runs and --trainer-batches must be >= 1");
        }
        if (!Files.isRegularFile(FashionMnist.DEBIAN_DIRECTORY.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IllegalArgumentException("the throughput needs the full training set in "
                    + FashionMnist.DEBIAN_DIRECTORY + " (apt-get install dataset-fashion-mnist)");
        }
        Files.createDirectories(out);
        SparkScoringConfig config = SparkScoringConfig.fromProperties(new Properties());
        Path work = Files.createTempDirectory("ast-spark-throughput");
        List<Run> results = new ArrayList<>();
        Map<String, Object> agreement = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager(warm.engine)) {
            FashionMnist.Data data = FashionMnist.load(manager, FashionMnist.DEBIAN_DIRECTORY);
            FashionMnist.Split train = data.train();
            int rows = Math.toIntExact(train.size());
            long[] indices = new long[rows];
            Arrays.setAll(indices, i -> i);
            float[] features = train.images().toFloatArray();
            float[] labels = train.labels().toFloatArray();
            try (Model model = warm.train(train)) {
                ScoringModel version = ScoringModel.of(model, warm.factory(), SparkExample.SAMPLE);
                String table = work.resolve("train.parquet").toString();
                SparkSession writer = SparkExample.localSpark("local[2]");
                FashionParquet.write(writer, train, table);
                writer.stop();
                for (int run = 1; run <= runs; run++) {
                    for (int m = 0; m < MODES.size(); m++) {
                        String mode = MODES.get((m + run - 1) % MODES.size());
                        double seconds = switch (mode) {
                            case "in-process" -> timed(() -> InProcessScoring.score(version, config, indices, features,
                                    labels));
                            case "trainer" -> trainerScoringSeconds(train);
                            default -> sparkSeconds(mode, version, config, table, work.resolve(mode.replaceAll("[^a-z0-9]", "") + "-" + run));
                        };
                        long counted = mode.equals("trainer") ? (long) trainerBatches * 128 : rows;
                        Run result = new Run(mode, run, seconds, counted, counted / seconds);
                        results.add(result);
                        System.out.printf(Locale.ROOT, "run %d %-10s %8.2f s  %8.0f samples/s%n", run, mode, seconds,
                                result.samplesPerSecond());
                    }
                }
                agreement = agreement(version, config, table, work, indices, features, labels);
                System.out.println("agreement: " + agreement);
            }
        }
        write(results, agreement, config);
        return 0;
    }

    private interface Timed {
        Object run() throws Exception;
    }

    private static double timed(Timed work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** The whole Spark job, session start excluded: read, score, select, write. */
    private static double sparkSeconds(String master, ScoringModel version, SparkScoringConfig config, String table,
            Path target) throws Exception {
        SparkSession spark = SparkExample.localSpark(master);
        try {
            return timed(() -> SparkScoring.select(spark, spark.read().parquet(table), version, config,
                    target.toString()));
        } finally {
            spark.stop();
        }
    }

    /**
     * The trainer's scoring forward and selection phases, from its profiler, over its first batches: the same
     * network, freshly initialised (a forward's time does not depend on the parameters' values).
     */
    private double trainerScoringSeconds(FashionMnist.Split train) throws Exception {
        try (Model model = Model.newInstance("ast-trainer-scoring", warm.engine)) {
            model.setBlock(warm.factory().newBlock(model, null, Map.of()));
            try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
                trainer.initialize(new Shape(1).addAll(SparkExample.SAMPLE));
                AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.defaults());
                PhaseTimes times = PhaseTimes.recorder();
                ast.profileWith(times);
                times.start();
                ast.fit(trainer, 1, train.dataset(128, true, (long) trainerBatches * 128), null);
                Map<PhaseTimes.Phase, double[]> perBatch = times.millisPerBatch();
                double millis = Arrays.stream(perBatch.get(PhaseTimes.Phase.SCORING_FORWARD)).sum()
                        + Arrays.stream(perBatch.get(PhaseTimes.Phase.SELECTION)).sum();
                return millis / 1000;
            }
        }
    }

    /** Spark's selection (local[2]) against the in-process one, at the same model and configuration. */
    private static Map<String, Object> agreement(ScoringModel version, SparkScoringConfig config, String table,
            Path work, long[] indices, float[] features, float[] labels) throws Exception {
        InProcessScoring.Selection local = InProcessScoring.select(config,
                InProcessScoring.score(version, config, indices, features, labels));
        SparkSession spark = SparkExample.localSpark("local[2]");
        try {
            String target = work.resolve("agreement").toString();
            SparkScoring.select(spark, spark.read().parquet(table), version, config, target);
            SparkSelection selection = SparkSelection.read(spark, target, version.version(), config);
            long[] expected = local.indices().clone();
            Arrays.sort(expected);
            Map<String, Object> agreement = new LinkedHashMap<>();
            agreement.put("inProcessSelected", expected.length);
            agreement.put("sparkSelected", selection.indices().length);
            agreement.put("sameIndices", Arrays.equals(expected, selection.indices()));
            agreement.put("cut", selection.provenance().cut());
            agreement.put("inProcessCut", local.cut().describe());
            return agreement;
        } finally {
            spark.stop();
        }
    }

    private void write(List<Run> results, Map<String, Object> agreement, SparkScoringConfig config)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "mvn -B -q -pl ast-examples/spark exec:exec -Dexec.args=\"throughput --engine " + warm.engine
                + " --model " + warm.network + " --runs " + runs + " --warm-batches " + warm.warmBatches
                + " --trainer-batches " + trainerBatches + " --out " + out + "\"");
        json.put("machine", Map.of("cpu", cpuName(), "cores", Runtime.getRuntime().availableProcessors()));
        json.put("provenance", Provenance.of(ai.djl.engine.Engine.getEngine(warm.engine)));
        json.put("sparkVersion", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        json.put("configuration", config.toProperties());
        json.put("runs", results);
        json.put("agreement", agreement);
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
        Files.writeString(out.resolve("throughput.json"), gson.toJson(json) + "\n");
        Files.writeString(out.resolve("throughput.md"), markdown(results, agreement, json.get("command").toString()));
    }

    private String markdown(List<Run> results, Map<String, Object> agreement, String command) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Scoring throughput, Fashion-MNIST training set (60,000 images), %s on "
                + "%s, %s (%d cores), medians of %d runs with [min, max]:%n%n", warm.network, warm.engine, cpuName(),
                Runtime.getRuntime().availableProcessors(), runs));
        md.append("| how | samples/s | seconds | vs in-process |\n|---|---|---|---|\n");
        double inProcess = median(results, "in-process", Run::samplesPerSecond);
        for (String mode : MODES) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f [%.0f, %.0f] | %.2f [%.2f, %.2f] | %.2f× |%n",
                    describe(mode), median(results, mode, Run::samplesPerSecond),
                    extreme(results, mode, Run::samplesPerSecond, false), extreme(results, mode,
                            Run::samplesPerSecond, true),
                    median(results, mode, Run::seconds), extreme(results, mode, Run::seconds, false),
                    extreme(results, mode, Run::seconds, true), median(results, mode, Run::samplesPerSecond)
                            / inProcess));
        }
        md.append(String.format(Locale.ROOT, "%nlocal[2] against local[1]: %.2f× the samples per second.%n",
                median(results, "local[2]", Run::samplesPerSecond) / median(results, "local[1]",
                        Run::samplesPerSecond)));
        md.append(String.format(Locale.ROOT, "%nAgreement at the same model and configuration: Spark selected %s, "
                + "in process %s; same indices: %s (%s).%n", agreement.get("sparkSelected"),
                agreement.get("inProcessSelected"), agreement.get("sameIndices"), agreement.get("cut")));
        md.append("\nCommand: `").append(command).append("`\n");
        return md.toString();
    }

    private static String describe(String mode) {
        return switch (mode) {
            case "in-process" -> "one JVM, no Spark: the same batches, translator and scorer";
            case "trainer" -> "AdaptiveSparseTrainer's scoring pass (scoring forward + scores, gate, host read)";
            default -> "Spark " + mode + ": read Parquet, score, select, write";
        };
    }

    private static String cpuName() {
        return Machine.cpuInfo("model name").orElse("unknown CPU");
    }

    private static double median(List<Run> results, String mode, java.util.function.ToDoubleFunction<Run> metric) {
        return Stats.median(results.stream().filter(r -> r.mode().equals(mode)).mapToDouble(metric).toArray());
    }

    private static double extreme(List<Run> results, String mode, java.util.function.ToDoubleFunction<Run> metric,
            boolean max) {
        var stream = results.stream().filter(r -> r.mode().equals(mode)).mapToDouble(metric);
        return max ? stream.max().orElse(Double.NaN) : stream.min().orElse(Double.NaN);
    }
}
