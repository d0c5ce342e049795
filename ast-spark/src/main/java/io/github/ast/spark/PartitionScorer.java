package io.github.ast.spark;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Properties;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Scores one partition on an executor: its rows arrive sorted by (scoring batch, index), each batch goes through one
 * predictor of the executor's model, and each row leaves as (index, score, loss). Deterministic, so a re-run task
 * gives the same rows. Streams: one scoring batch is held at a time, and the predictor and the model's lease are
 * released when the partition ends or its task does (failed or cancelled).
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
    public Iterator<Row> call(Iterator<Row> rows) {
        ScoringModel version = model.value();
        ScoringTranslator translator = new ScoringTranslator(version,
                SparkScoringConfig.fromProperties(config).ast());
        ScoredRows scored = new ScoredRows(rows, version, translator);
        TaskContext task = TaskContext.get(); // null only outside a Spark task
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> scored.close());
        }
        return scored;
    }

    /** The partition's scored rows, produced one scoring batch at a time as they are consumed. */
    private static final class ScoredRows implements Iterator<Row>, AutoCloseable {
        private final Iterator<Row> input;
        private final ScoringModel version;
        private final ExecutorModels.Lease lease;
        private final Predictor<RowBatch, ScoringTranslator.Scores> predictor;
        private final Deque<Row> ready = new ArrayDeque<>();
        private Row next; // the first row of the next scoring batch, read ahead
        private boolean closed;

        ScoredRows(Iterator<Row> input, ScoringModel version, ScoringTranslator translator) {
            this.input = input;
            this.version = version;
            this.lease = ExecutorModels.acquire(version);
            try {
                this.predictor = lease.model().newPredictor(translator);
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && (next != null || input.hasNext())) {
                scoreNextBatch();
            }
            if (ready.isEmpty()) {
                close();
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void scoreNextBatch() {
            BatchBuilder batch = new BatchBuilder(version.sampleSize());
            Row row = next != null ? next : input.next();
            int current = row.getInt(0);
            next = null;
            while (row != null) {
                if (row.getInt(0) != current) {
                    next = row;
                    break;
                }
                if (row.isNullAt(2) || row.isNullAt(3)) {
                    throw new IllegalArgumentException("row index " + row.getLong(1) + " has no "
                            + (row.isNullAt(2) ? "features" : "label"));
                }
                batch.add(row.getLong(1), row.getList(2), row.getFloat(3));
                row = input.hasNext() ? input.next() : null;
            }
            score(batch.build());
        }

        private void score(RowBatch batch) {
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
                ready.add(RowFactory.create(batch.indices()[i], score, loss));
            }
        }

        /** Releases the predictor and the lease, once. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                predictor.close();
            } finally {
                lease.close();
            }
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
