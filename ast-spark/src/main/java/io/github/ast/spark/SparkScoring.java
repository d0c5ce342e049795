package io.github.ast.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.udf;

import ai.djl.Model;
import io.github.ast.api.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores a dataset on Spark and selects from it with an epoch-level policy: the part of AST that grows with the data,
 * on a cluster. The model version is broadcast once; each partition is scored by one predictor of its executor's
 * model, in scoring batches formed from the rows' indices (so any partitioning scores the same batches); the policy's
 * figure (a global quantile, the mean loss) is computed across all partitions; the selection is written as Parquet
 * (index, weight, score, loss) with its provenance beside it ({@link SelectionProvenance}).
 *
 * <p>Input: a DataFrame with an integral column {@code index} (distinct dataset indices), an array column
 * {@code features} (one sample flattened, as many values as the model's sample shape holds) and a numeric column
 * {@code label} (the class). A failed task is re-run by Spark and scores the same; a failure that persists, bad input
 * or a model that does not fit the data fails the job with a message naming the row, the column or the shape.
 */
public final class SparkScoring {

    /** Columns of the selection written. */
    public static final StructType SELECTION_SCHEMA = new StructType()
            .add("index", DataTypes.LongType, false).add("weight", DataTypes.FloatType, false)
            .add("score", DataTypes.FloatType, false).add("loss", DataTypes.FloatType, false);

    static final StructType SCORES_SCHEMA = new StructType().add("index", DataTypes.LongType, false)
            .add("score", DataTypes.FloatType, false).add("loss", DataTypes.FloatType, false);

    private SparkScoring() {}

    /**
     * Scores every row and returns (index, score, loss), persisted: the epoch before any policy.
     *
     * @param spark the session
     * @param data the input columns index, features, label
     * @param model the model version to score with
     * @param config the scorer and the scoring batch size
     * @return one row per input row, persisted (unpersist when done)
     * @throws ConfigurationException if a column is missing or of the wrong type, or the scorer is not known
     * @throws IllegalArgumentException naming the row, if a row cannot be scored (after Spark's retries)
     */
    public static Dataset<Row> scores(SparkSession spark, Dataset<Row> data, ScoringModel model,
            SparkScoringConfig config) {
        return score(spark, data, model, config).rows();
    }

    /** Scored rows, persisted, and how many there are (as many as the input had: one per input row). */
    private record Scored(Dataset<Row> rows, long count) {}

    private static Scored score(SparkSession spark, Dataset<Row> data, ScoringModel model,
            SparkScoringConfig config) {
        Objects.requireNonNull(model, "model");
        // Before any task: the scorer exists and its settings are valid, and the factory builds this version.
        new ScoringTranslator(model, config.ast());
        try (Model built = model.load()) {
            Objects.requireNonNull(built.getBlock());
        }
        Dataset<Row> input = requireColumns(data);
        long rows = run(input::count);
        if (rows == 0) {
            throw new IllegalArgumentException("the dataset to score is empty");
        }
        int batches = (int) Math.min(Integer.MAX_VALUE, (rows + config.batchSize() - 1) / config.batchSize());
        long seed = config.ast().random().seed();
        Column batch = udf((UDF1<Long, Integer>) index -> {
            if (index == null) {
                throw new IllegalArgumentException("a row has no index (column index is null)");
            }
            return EpochCut.batchOf(seed, index, batches);
        }, DataTypes.IntegerType).apply(col("index"));
        Broadcast<ScoringModel> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        // Two partitions per core, and more for large data: about 200 scoring batches (25,600 rows) each at most.
        int partitions = Math.max(Math.max(1, spark.sparkContext().defaultParallelism()) * 2, batches / 200 + 1);
        Dataset<Row> scored = input.withColumn("batch", batch).select("batch", "index", "features", "label")
                .repartition(partitions, col("batch")).sortWithinPartitions("batch", "index")
                .mapPartitions(new PartitionScorer(broadcast, config.asProperties()), Encoders.row(SCORES_SCHEMA))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Row> repeated = run(() -> scored.groupBy("index").agg(count(lit(1)).as("n")).where(col("n").gt(1))
                .limit(1).collectAsList());
        if (!repeated.isEmpty()) {
            scored.unpersist();
            throw new IllegalArgumentException("index " + repeated.get(0).getLong(0) + " appears "
                    + repeated.get(0).getLong(1) + " times; each row needs its own dataset index");
        }
        return new Scored(scored, rows);
    }

    /**
     * Scores a dataset, selects from it and writes the selection.
     *
     * @param spark the session
     * @param data the input columns index, features, label
     * @param model the model version to score with
     * @param config the scorer, the policy and their settings
     * @param out a directory that does not exist yet (any Hadoop file system)
     * @return the selection's provenance, as written beside it
     * @throws IllegalArgumentException if {@code out} exists (nothing is overwritten), or as {@link #scores}
     */
    public static SelectionProvenance select(SparkSession spark, Dataset<Row> data, ScoringModel model,
            SparkScoringConfig config, String out) {
        Path target = new Path(out);
        FileSystem fs = fileSystem(spark, target);
        try {
            if (fs.exists(target)) {
                throw new IllegalArgumentException("the selection's directory " + out + " exists already; choose a "
                        + "new one (nothing was overwritten)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Scored scored = score(spark, data, model, config);
        try {
            EpochCut cut = cut(config, model, scored);
            Column weight = udf((UDF3<Long, Float, Float, Float>) cut::weight, DataTypes.FloatType)
                    .apply(col("index"), col("score"), col("loss"));
            Dataset<Row> selection = scored.rows().withColumn("weight", weight).where(col("weight").gt(0))
                    .select("index", "weight", "score", "loss");
            long selected = run(selection::count);
            run(() -> {
                selection.write().parquet(out);
                return null;
            });
            SelectionProvenance provenance =
                    SelectionProvenance.of(model, config, cut, scored.count(), selected, spark);
            provenance.write(fs, target);
            return provenance;
        } finally {
            scored.rows().unpersist();
        }
    }

    private static EpochCut cut(SparkScoringConfig config, ScoringModel model, Scored scored) {
        return switch (config.policy()) {
            case TOP_RATE -> {
                int keep = EpochCut.keep(config, scored.count());
                Row lowest = run(() -> scored.rows().select("score").orderBy(col("score").desc()).limit(keep)
                        .agg(min("score")).first());
                yield EpochCut.topRate(config, lowest.getFloat(0));
            }
            case THRESHOLD -> EpochCut.threshold(config);
            case INFOBATCH -> {
                // Exact partial sums per partition, added exactly: the mean does not depend on the partitioning.
                List<BigDecimal> sums = run(() -> scored.rows().select("loss").as(Encoders.FLOAT()).javaRDD()
                        .mapPartitions(partition -> List.of(EpochCut.exactSum(partition)).iterator()).collect());
                yield EpochCut.infoBatch(config, model.version(),
                        EpochCut.mean(sums.stream().reduce(BigDecimal.ZERO, BigDecimal::add), scored.count()));
            }
        };
    }

    /** The input's three columns, cast to long, array of float and float, or a message naming what is wrong. */
    private static Dataset<Row> requireColumns(Dataset<Row> data) {
        StructType schema = data.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String name : List.of("index", "features", "label")) {
            if (!names.contains(name)) {
                throw new ConfigurationException("the dataset to score has no column '" + name + "'; it needs index "
                        + "(integral), features (array of numbers) and label (number), and has " + schema.simpleString());
            }
        }
        DataType index = schema.apply("index").dataType();
        if (!(index.equals(DataTypes.LongType) || index.equals(DataTypes.IntegerType)
                || index.equals(DataTypes.ShortType))) {
            throw new ConfigurationException("column index is " + index.simpleString() + "; it must be integral");
        }
        StructField features = schema.apply("features");
        if (!(features.dataType() instanceof ArrayType array && array.elementType() instanceof NumericType)) {
            throw new ConfigurationException("column features is " + features.dataType().simpleString()
                    + "; it must be an array of numbers");
        }
        if (!(schema.apply("label").dataType() instanceof NumericType)) {
            throw new ConfigurationException("column label is " + schema.apply("label").dataType().simpleString()
                    + "; it must be a number (the class)");
        }
        return data.select(col("index").cast(DataTypes.LongType).as("index"),
                col("features").cast(DataTypes.createArrayType(DataTypes.FloatType)).as("features"),
                col("label").cast(DataTypes.FloatType).as("label"));
    }

    static FileSystem fileSystem(SparkSession spark, Path path) {
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Spark action, turning a job that failed after Spark's retries into the task's own error. */
    static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) { // Spark's actions throw SparkException, a checked exception, undeclared
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(Exception e) {
        boolean failedJob = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException) { // bad input, ConfigurationException included
                return new IllegalArgumentException("Spark scoring failed: " + cause.getMessage(), e);
            }
            if (cause instanceof ScoringFailure) {
                return new IllegalStateException("Spark scoring failed after Spark's retries: " + cause.getMessage(),
                        e);
            }
            failedJob |= cause instanceof SparkException;
        }
        if (failedJob) {
            return new IllegalStateException("Spark scoring failed after Spark's retries: " + rootCause(e), e);
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }

    /**
     * Returns the innermost cause of an exception: what an engine or a reader said.
     *
     * @param e the exception
     * @return its root cause, or itself
     */
    static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
