package io.github.ast.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import io.github.ast.api.ConfigurationException;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.RunReport;
import io.github.ast.core.TrainingObserver;
import io.github.ast.djl.sampling.WeightedSubsetSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Spark job in local mode (2 threads, a failed task re-run once): its selection equals the in-process one row for
 * row, a task that fails once changes nothing, bad input fails naming what is wrong, and a selection plugs into
 * weighted training only for the model and configuration that made it.
 */
class SparkScoringTest {

    private static final int ROWS = 700;
    private static final int FEATURES = 64;
    private static SparkSession spark;
    private static long[] indices;
    private static float[] features;
    private static float[] labels;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("ast-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        Random random = new Random(5);
        indices = new long[ROWS];
        features = new float[ROWS * FEATURES];
        labels = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            indices[i] = i;
            labels[i] = random.nextInt(TestNetworks.CLASSES);
            for (int j = 0; j < FEATURES; j++) {
                features[i * FEATURES + j] = (float) (random.nextGaussian() * 0.5 + (j % 4 == labels[i] ? 1 : 0));
            }
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> data(int featureCount) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Float[] row = new Float[featureCount];
            for (int j = 0; j < featureCount; j++) {
                row[j] = features[i * FEATURES + j % FEATURES];
            }
            rows.add(RowFactory.create(indices[i], java.util.Arrays.asList(row), (int) labels[i]));
        }
        StructType schema = new StructType().add("index", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    private static SparkScoringConfig config(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("ast.spark.batch", "64");
        p.setProperty("ast.targetRate", "0.3");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return SparkScoringConfig.fromProperties(p);
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, top-rate, loss-intensity", "PyTorch, threshold, loss-intensity",
        "PyTorch, infobatch, loss-intensity", "PyTorch, top-rate, random", "MXNet, top-rate, loss-intensity"})
    void selectsTheRowsTheInProcessScoringSelects(String engine, String policy, String scorer) throws Exception {
        SparkScoringConfig config = policy.equals("threshold") ? config("ast.spark.policy", policy,
                "ast.spark.threshold", "0.5", "ast.scorer", scorer)
                : config("ast.spark.policy", policy, "ast.scorer", scorer);
        try (Model model = TestNetworks.initialised(engine, new TestNetworks.Mlp(), 1)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            String out = temp.resolve("selection").toString();
            SelectionProvenance provenance = SparkScoring.select(spark, data(FEATURES), version, config, out);
            SparkSelection fromSpark = SparkSelection.read(spark, out, version.version(), config);
            List<Row> sparkRows = spark.read().parquet(out).orderBy("index").collectAsList();

            InProcessScoring.Scored scored = InProcessScoring.score(version, config, indices, features, labels);
            InProcessScoring.Selection local = InProcessScoring.select(config, scored);
            assertThat(provenance.rows()).isEqualTo(ROWS);
            assertThat(provenance.selected()).isEqualTo(local.indices().length).isBetween(1L, ROWS - 1L);
            assertThat(provenance.cut()).isEqualTo(local.cut().describe());
            // Row for row: the same indices in index order, each with the same weight, score and loss.
            assertThat(fromSpark.indices()).containsExactly(local.indices()); // dense indices: input order is index order
            assertThat(fromSpark.weights()).containsExactly(local.weights());
            for (Row row : sparkRows) {
                int i = (int) row.getLong(0);
                assertThat(row.getFloat(2)).as("score of %d", i).isEqualTo(scored.scores()[i]);
                assertThat(row.getFloat(3)).as("loss of %d", i).isEqualTo(scored.losses()[i]);
            }
            if (policy.equals("infobatch")) {
                assertThat(fromSpark.weights()).contains(2f).contains(1f);
            } else {
                assertThat(fromSpark.weights()).containsOnly(1f);
            }
            if (policy.equals("top-rate")) {
                assertThat(provenance.selected()).isEqualTo(Math.round(0.3 * ROWS));
            }
        }
    }

    @Test
    void aTaskThatFailsOnceIsRerunAndSelectsTheSame() throws Exception {
        SparkScoringConfig config = config();
        try (Model model = TestNetworks.initialised("PyTorch", new TestNetworks.FailsOnce(), 1)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.FailsOnce(), TestNetworks.SAMPLE);
            String clean = temp.resolve("clean").toString();
            SparkScoring.select(spark, data(FEATURES), version, config, clean);
            TestNetworks.FailsOnce.ARMED.set(true);
            String retried = temp.resolve("retried").toString();
            SparkScoring.select(spark, data(FEATURES), version, config, retried);
            assertThat(TestNetworks.FailsOnce.ARMED).as("the injected failure happened").isFalse();
            assertThat(ExecutorModels.leases()).as("every task, the failed one too, released the model").isZero();
            assertThat(SparkSelection.read(spark, retried, version.version(), config).indices())
                    .containsExactly(SparkSelection.read(spark, clean, version.version(), config).indices());
        }
    }

    @Test
    void aCorruptPartitionFailsNamingItsFile() throws Exception {
        Path input = temp.resolve("input");
        data(FEATURES).write().parquet(input.toString());
        Path corrupt;
        try (Stream<Path> files = Files.list(input)) {
            corrupt = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.writeString(corrupt, "not a parquet file");
        Files.deleteIfExists(input.resolve("." + corrupt.getFileName() + ".crc"));
        StructType schema = data(FEATURES).schema();
        try (Model model = TestNetworks.initialised("PyTorch", new TestNetworks.Mlp(), 1)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            assertThatThrownBy(() -> SparkScoring.select(spark, spark.read().schema(schema).parquet(input.toString()),
                    version, config(), temp.resolve("out").toString()))
                    .hasMessageContaining(corrupt.getFileName().toString());
        }
    }

    @Test
    void aModelThatDoesNotFitTheDataFailsNamingTheRow() throws Exception {
        try (Model model = TestNetworks.initialised("PyTorch", new TestNetworks.Mlp(), 1)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            assertThatThrownBy(() -> SparkScoring.select(spark, data(50), version, config(),
                    temp.resolve("out").toString()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 50 features; the model's sample shape needs 64");
        }
    }

    @Test
    void missingColumnsUnknownScorersAndAnExistingDirectoryAreRefusedBeforeAnyTask() throws Exception {
        try (Model model = TestNetworks.initialised("PyTorch", new TestNetworks.Mlp(), 1)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            assertThatThrownBy(() -> SparkScoring.scores(spark, data(FEATURES).drop("label"), version, config()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("no column 'label'");
            assertThatThrownBy(() -> SparkScoring.scores(spark, data(FEATURES), version,
                    config("ast.scorer", "nope")))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("loss-intensity");
            Path existing = Files.createDirectories(temp.resolve("existing"));
            Files.writeString(existing.resolve("keep.txt"), "kept");
            assertThatThrownBy(() -> SparkScoring.select(spark, data(FEATURES), version, config(),
                    existing.toString())).hasMessageContaining("exists already");
            assertThat(existing.resolve("keep.txt")).hasContent("kept");
        }
    }

    @Test
    void aSelectionTrainsOnlyWithTheModelAndConfigurationThatMadeIt() throws Exception {
        SparkScoringConfig config = config("ast.spark.policy", "infobatch");
        try (Model model = TestNetworks.initialised("PyTorch", new TestNetworks.Mlp(), 1);
                Model other = TestNetworks.initialised("PyTorch", new TestNetworks.Mlp(), 2)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            String out = temp.resolve("selection").toString();
            SparkScoring.select(spark, data(FEATURES), version, config, out);
            String otherVersion = ScoringModel.of(other, new TestNetworks.Mlp(), TestNetworks.SAMPLE).version();
            assertThatThrownBy(() -> SparkSelection.read(spark, out, otherVersion, config))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(otherVersion);
            assertThatThrownBy(() -> SparkSelection.read(spark, out, version.version(),
                    config("ast.spark.policy", "infobatch", "ast.spark.pruneRatio", "0.3")))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.spark.pruneRatio");

            SparkSelection selection = SparkSelection.read(spark, out, version.version(), config);
            assertThatThrownBy(() -> selection.sampler(32, 7, ROWS + 1)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("scored on 700 rows");
            WeightedSubsetSampler sampler = selection.sampler(32, 7, ROWS);
            NDManager manager = model.getNDManager();
            ArrayDataset train = new ArrayDataset.Builder()
                    .setData(manager.create(features, new Shape(ROWS).addAll(TestNetworks.SAMPLE)))
                    .optLabels(manager.create(labels)).setSampling(sampler).build();
            long[] trained = {0};
            DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            trained[0] += batchData.getBatch().getSize();
                        }
                    });
            try (Trainer trainer = model.newTrainer(training)) {
                RunReport report = AdaptiveSparseTraining.builder(AstConfig.builder().engine("PyTorch").policy("all")
                        .meter("none").build()).sampleWeights(sampler).build()
                        .fit(trainer, 2, train, null, TrainingObserver.NONE);
                assertThat(report.epochs()).allSatisfy(epoch -> assertThat(epoch.skippedBatches()).isZero());
            }
            assertThat(trained[0]).isEqualTo(2L * selection.indices().length);
        }
    }

    @Test
    void aDirectoryWithoutProvenanceIsNotASelection() throws IOException {
        Path plain = temp.resolve("plain");
        data(FEATURES).select("index").write().parquet(plain.toString());
        assertThatThrownBy(() -> SparkSelection.read(spark, plain.toString(), "v", config()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("_ast_selection.json");
    }
}
