package io.github.ast.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point: scores a Parquet dataset with a saved {@link ScoringModel} and writes the
 * selection.
 *
 * <pre>{@code
 * spark-submit --class io.github.ast.spark.ScoreJob app.jar \
 *     --data hdfs:///data/train.parquet --model hdfs:///models/v17.ast --out hdfs:///selections/v17 \
 *     --conf ast.targetRate=0.3 --conf ast.spark.policy=top-rate
 * }</pre>
 *
 * <p>{@code --conf ast.*=...} are the configuration keys of {@link SparkScoringConfig}; the master and every Spark
 * setting come from {@code spark-submit}. Prints the selection's provenance as its last line.
 */
public final class ScoreJob {

    private ScoreJob() {}

    /**
     * Runs the job.
     *
     * @param args {@code --data DIR --model FILE --out DIR [--conf ast.key=value]...}
     * @throws IOException if the model cannot be read
     */
    public static void main(String[] args) throws IOException {
        String data = null;
        String model = null;
        String out = null;
        Properties conf = new Properties();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value; usage: " + usage());
            }
            String value = rest.remove(0);
            switch (flag) {
                case "--data" -> data = value;
                case "--model" -> model = value;
                case "--out" -> out = value;
                case "--conf" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1 || !value.startsWith("ast.")) {
                        throw new IllegalArgumentException("--conf " + value + " is not ast.<key>=<value>");
                    }
                    conf.setProperty(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + flag + "; usage: " + usage());
            }
        }
        if (data == null || model == null || out == null) {
            throw new IllegalArgumentException("--data, --model and --out are required; usage: " + usage());
        }
        SparkScoringConfig config = SparkScoringConfig.fromProperties(conf);
        SparkSession spark = SparkSession.builder().appName("ast-score").getOrCreate();
        try {
            Path modelPath = new Path(model);
            ScoringModel version;
            try (InputStream in = SparkScoring.fileSystem(spark, modelPath).open(modelPath)) {
                version = ScoringModel.read(in);
            }
            SelectionProvenance provenance = SparkScoring.select(spark, spark.read().parquet(data), version, config,
                    out);
            System.out.println("selected " + provenance.selected() + " of " + provenance.rows() + " rows ("
                    + provenance.cut() + ") with model version " + provenance.modelVersion() + " into " + out);
        } finally {
            spark.stop();
        }
    }

    private static String usage() {
        return "ScoreJob --data <parquet> --model <saved ScoringModel> --out <new directory> [--conf ast.key=value]...";
    }
}
