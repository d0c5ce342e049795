package io.github.ast.examples.spark;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.djl.sampling.WeightedSubsetSampler;
import io.github.ast.examples.Cli;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import io.github.ast.spark.ScoringModel;
import io.github.ast.spark.SelectionProvenance;
import io.github.ast.spark.SparkScoring;
import io.github.ast.spark.SparkScoringConfig;
import io.github.ast.spark.SparkSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Fashion-MNIST on Spark: {@code demo} scores and selects the training set on a local Spark, then trains the
 * selection in process; {@code throughput} measures the scoring throughput of Spark against one JVM.
 */
@Command(name = "ast-spark-example", mixinStandardHelpOptions = true,
        subcommands = {SparkExample.Demo.class, ThroughputCommand.class},
        description = "Score and select Fashion-MNIST on Spark, then train the selection.")
public final class SparkExample implements Runnable {

    /** The example's sample shape: one grey 28 x 28 image. */
    static final Shape SAMPLE = new Shape(1, Models.IMAGE_SIDE, Models.IMAGE_SIDE);

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Runs a subcommand.
     *
     * @param args {@code demo ...} or {@code throughput ...}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(Cli.execute(new CommandLine(new SparkExample()), args));
    }

    /**
     * Starts a local Spark session with the settings this example needs.
     *
     * @param master {@code local[N]}
     * @return the session
     */
    static SparkSession localSpark(String master) {
        SparkSession spark = SparkSession.builder().master(master).appName("ast-spark-example")
                .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** Scores and selects Fashion-MNIST on a local Spark, then trains the selection for an epoch. */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Score and select the training set on a local Spark, then train one epoch on the selection.")
    static final class Demo implements Callable<Integer> {

        @Mixin
        WarmModel warm;

        @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default ${DEFAULT-VALUE})")
        String master;

        @Option(names = "--data", description = "Fashion-MNIST directory (default: Debian's, else the embedded slice)")
        Path dataDirectory;

        @Option(names = "--embedded", description = "use the slice embedded in ast-examples (6,000 images) even "
                + "when the full set is installed")
        boolean embedded;

        @Option(names = "--conf", description = "an ast.* setting, ast.key=value (repeatable), for example "
                + "--conf ast.spark.policy=top-rate --conf ast.targetRate=0.3")
        Map<String, String> conf = new LinkedHashMap<>();

        @Option(names = "--work", description = "where the Parquet table, the saved model (model.ast, for "
                + "spark-submit) and the selection go (default: a new temporary directory)")
        Path workDirectory;

        @Override
        public Integer call() throws Exception {
            Properties properties = new Properties();
            conf.forEach(properties::setProperty);
            SparkScoringConfig config = SparkScoringConfig.fromProperties(properties);
            Path work = workDirectory == null ? Files.createTempDirectory("ast-spark-demo")
                    : Files.createDirectories(workDirectory);
            try (NDManager manager = NDManager.newBaseManager(warm.engine)) {
                FashionMnist.Data data = embedded ? FashionMnist.loadEmbedded(manager)
                        : FashionMnist.load(manager, dataDirectory);
                System.out.printf(Locale.ROOT, "data: %s, %d training samples%n", data.source(), data.train().size());
                try (Model model = warm.train(data.train())) {
                    System.out.printf(Locale.ROOT, "%s on %s after %d batches: test accuracy %.3f%n", warm.network,
                            warm.engine, warm.warmBatches, testAccuracy(model, data.test()));
                    ScoringModel version = ScoringModel.of(model, warm.factory(), SAMPLE);
                    version.save(work.resolve("model.ast"));
                    SparkSession spark = localSpark(master);
                    try {
                        String table = work.resolve("train.parquet").toString();
                        FashionParquet.write(spark, data.train(), table);
                        String out = newDirectory(work, "selection").toString();
                        long start = System.nanoTime();
                        SelectionProvenance provenance = SparkScoring.select(spark, spark.read().parquet(table),
                                version, config, out);
                        System.out.printf(Locale.ROOT, "Spark (%s) selected %d of %d samples in %.1f s (%s, %s), "
                                + "model version %s%n", master, provenance.selected(), provenance.rows(),
                                (System.nanoTime() - start) / 1e9, config.policy().configName(), provenance.cut(),
                                provenance.modelVersion().substring(0, 12));
                        SparkSelection selection = SparkSelection.read(spark, out, version.version(), config);
                        WeightedSubsetSampler sampler = selection.sampler(128, 42, data.train().size());
                        ArrayDataset train = new ArrayDataset.Builder().setData(data.train().images())
                                .optLabels(data.train().labels()).setSampling(sampler).build();
                        try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
                            AdaptiveSparseTraining.builder(AstConfig.builder().engine(warm.engine).policy("all")
                                    .build()).sampleWeights(sampler).build().fit(trainer, 1, train, null);
                        }
                        System.out.printf(Locale.ROOT, "one epoch on the selection: test accuracy %.3f%n",
                                testAccuracy(model, data.test()));
                        System.out.println("selection written to " + out + "; the table and model.ast for "
                                + "spark-submit are in " + work);
                    } finally {
                        spark.stop();
                    }
                }
            }
            return 0;
        }
    }

    private static Path newDirectory(Path parent, String name) {
        Path path = parent.resolve(name);
        for (int i = 2; Files.exists(path); i++) {
            path = parent.resolve(name + "-" + i);
        }
        return path;
    }

    /** A model's accuracy on a split, through a trainer of its own (the caller's may be closed or absent). */
    private static double testAccuracy(Model model, FashionMnist.Split split) {
        try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
            return split.scores(trainer).accuracy();
        }
    }
}
