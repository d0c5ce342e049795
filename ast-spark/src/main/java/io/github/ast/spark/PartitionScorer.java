package io.github.ast.spark;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition on an executor: its rows arrive sorted by (scoring batch, index), each batch goes through one
 * predictor of the executor's model, and each row leaves as (index, score, loss). Deterministic, so a re-run task
 * gives the same rows. A partition's results are held until it ends (three numbers a row); the partition count keeps
 * partitions to about 25,600 rows.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<ScoringModel> model;
    private final Properties config;

    /**
     * Creates the function.
     *
     * @param model the broadcast model version
     * @param config the configuration, as properties (what executors rebuild it from)
     */
    PartitionScorer(Broadcast<ScoringModel> model, Properties config) {
        this.model = model;
        this.config = config;
    }

    /** Input columns: batch (int), index (long), features (array of float), label (float). */
    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws TranslateException {
        ScoringModel version = model.value();
        long sampleSize = version.sampleSize();
        ScoringTranslator translator = new ScoringTranslator(version,
                SparkScoringConfig.fromProperties(config).ast());
        List<Row> out = new ArrayList<>();
        try (ExecutorModels.Lease lease = ExecutorModels.acquire(version);
                Predictor<RowBatch, ScoringTranslator.Scores> predictor = lease.model().newPredictor(translator)) {
            BatchBuilder batch = new BatchBuilder(sampleSize);
            int current = Integer.MIN_VALUE;
            while (rows.hasNext()) {
                Row row = rows.next();
                if (row.getInt(0) != current && batch.size() > 0) {
                    score(predictor, batch.build(), version, out);
                    batch = new BatchBuilder(sampleSize);
                }
                current = row.getInt(0);
                if (row.isNullAt(2) || row.isNullAt(3)) {
                    throw new IllegalArgumentException("row index " + row.getLong(1) + " has no "
                            + (row.isNullAt(2) ? "features" : "label"));
                }
                batch.add(row.getLong(1), row.getList(2), row.getFloat(3));
            }
            if (batch.size() > 0) {
                score(predictor, batch.build(), version, out);
            }
        }
        return out.iterator();
    }

    private static void score(Predictor<RowBatch, ScoringTranslator.Scores> predictor, RowBatch batch,
            ScoringModel version, List<Row> out) {
        ScoringTranslator.Scores scores;
        try {
            scores = predictor.predict(batch);
        } catch (IllegalArgumentException e) {
            throw e; // a label the loss refuses: bad input, named by the loss
        } catch (TranslateException | RuntimeException e) {
            throw new ScoringFailure("the model " + version.factoryName() + " (version "
                    + version.version().substring(0, 12) + ", sample shape " + version.sampleShape()
                    + ") failed on a scoring batch of " + batch.size() + " rows from index " + batch.indices()[0]
                    + ": " + SparkScoring.rootCause(e), e);
        }
        for (int i = 0; i < batch.size(); i++) {
            float score = scores.scores()[i];
            float loss = scores.losses()[i];
            if (!Float.isFinite(score) || !Float.isFinite(loss)) {
                throw new IllegalArgumentException("row index " + batch.indices()[i] + " scored " + score
                        + " with loss " + loss + ": a non-finite value in its features, or a diverged model");
            }
            out.add(RowFactory.create(batch.indices()[i], score, loss));
        }
    }

    /** Collects a batch's rows, checking each row's feature count against the model's sample shape. */
    private static final class BatchBuilder {
        private final long sampleSize;
        private final List<Long> indices = new ArrayList<>();
        private final List<List<Float>> features = new ArrayList<>();
        private final List<Float> labels = new ArrayList<>();

        BatchBuilder(long sampleSize) {
            this.sampleSize = sampleSize;
        }

        void add(long index, List<Float> rowFeatures, float label) {
            if (rowFeatures.size() != sampleSize) {
                throw new IllegalArgumentException("row index " + index + " has " + rowFeatures.size()
                        + " features; the model's sample shape needs " + sampleSize);
            }
            indices.add(index);
            features.add(rowFeatures);
            labels.add(label);
        }

        int size() {
            return indices.size();
        }

        RowBatch build() {
            long[] index = new long[indices.size()];
            float[] values = new float[Math.toIntExact(indices.size() * sampleSize)];
            float[] label = new float[indices.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = indices.get(i);
                label[i] = labels.get(i);
                List<Float> row = features.get(i);
                int offset = Math.toIntExact(i * sampleSize);
                for (int j = 0; j < row.size(); j++) {
                    Float value = row.get(j);
                    if (value == null) {
                        throw new IllegalArgumentException("row index " + index[i] + " has a null feature at " + j);
                    }
                    values[offset + j] = value;
                }
            }
            return new RowBatch(index, values, label);
        }
    }
}
