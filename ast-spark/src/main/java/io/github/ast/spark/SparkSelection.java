package io.github.ast.spark;

import io.github.ast.api.ConfigurationException;
import io.github.ast.djl.sampling.WeightedSubsetSampler;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A selection written by {@link SparkScoring#select}, read back for training: the selected dataset indices with
 * their weights, checked against the model version and configuration the trainer expects. Its
 * {@link #sampler} plugs the epoch into AST's {@code fit} (with
 * {@code AdaptiveSparseTraining.Builder.sampleWeights}). The arrays are the record's own: do not change them.
 *
 * @param indices the selected dataset indices, ascending
 * @param weights their training weights
 * @param provenance where the selection came from
 */
public record SparkSelection(long[] indices, float[] weights, SelectionProvenance provenance) {

    /**
     * Reads a selection and checks its provenance.
     *
     * @param spark a session (a local one suffices on the training machine)
     * @param directory the directory {@link SparkScoring#select} wrote
     * @param modelVersion the trainer's model version ({@link ScoringModel#version()})
     * @param config the configuration the trainer expects the selection to be made with
     * @return the selection
     * @throws ConfigurationException if the provenance is missing, or names another model or configuration, or the
     *     rows disagree with it
     */
    public static SparkSelection read(SparkSession spark, String directory, String modelVersion,
            SparkScoringConfig config) {
        Path path = new Path(directory);
        SelectionProvenance provenance = SelectionProvenance.read(SparkScoring.fileSystem(spark, path), path);
        provenance.require(modelVersion, config);
        List<Row> rows = SparkScoring.run(() -> spark.read().schema(SparkScoring.SELECTION_SCHEMA).parquet(directory)
                .select("index", "weight").orderBy("index").collectAsList());
        if (rows.size() != provenance.selected()) {
            throw new ConfigurationException(directory + " holds " + rows.size() + " rows but its provenance records "
                    + provenance.selected() + " selected: the directory was changed after it was written");
        }
        long[] indices = new long[rows.size()];
        float[] weights = new float[rows.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = rows.get(i).getLong(0);
            weights[i] = rows.get(i).getFloat(1);
        }
        return new SparkSelection(indices, weights, provenance);
    }

    /**
     * Returns a sampler that trains this selection with its weights, on the dataset it was scored from.
     *
     * @param batchSize rows per training batch
     * @param seed seeds the shuffles
     * @param datasetSize the training dataset's size, which must be the number of rows scored: a dataset indexed
     *     otherwise would train the wrong rows
     * @return the sampler, for the training dataset's {@code setSampling}
     * @throws ConfigurationException if the sizes differ
     */
    public WeightedSubsetSampler sampler(int batchSize, long seed, long datasetSize) {
        if (datasetSize != provenance.rows()) {
            throw new ConfigurationException("the selection was scored on " + provenance.rows() + " rows but the "
                    + "training dataset has " + datasetSize + "; train it on the dataset it was scored from");
        }
        return new WeightedSubsetSampler(batchSize, indices, weights, seed);
    }
}
