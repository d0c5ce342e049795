package io.github.ast.core;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.SelectionPolicy;
import java.io.IOException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's side of {@link SelectionPolicy.MeasuresProgress}: before a sparse batch it measures the held-out loss
 * when the policy asks, and after the batch tells it how long the batch took, measurement included, on the run's
 * clock; it also takes held-out training rows out of every batch.
 */
final class ProgressProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressProbe.class);

    private final SelectionPolicy.MeasuresProgress policy;
    private final HeldOutRows rows;
    private final LongSupplier nanos;
    private long start = -1;

    private ProgressProbe(SelectionPolicy.MeasuresProgress policy, HeldOutRows rows, LongSupplier nanos) {
        this.policy = policy;
        this.rows = rows;
        this.nanos = nanos;
    }

    /**
     * Opens the probe of a run whose policy measures progress on some rows.
     *
     * @return the probe, or null when the policy measures nothing
     */
    static ProgressProbe open(SelectionPolicy policy, Trainer trainer, Dataset validationSet, Dataset trainingSet,
            long seed, PerSampleLoss perSampleLoss, LongSupplier nanos) throws IOException, TranslateException {
        if (!(policy instanceof SelectionPolicy.MeasuresProgress measures) || measures.heldOutRows() == 0) {
            return null;
        }
        HeldOutRows rows = HeldOutRows.of(measures.heldOutRows(), validationSet, trainingSet, seed,
                trainer.getManager(), perSampleLoss);
        LOG.info("Measuring the policy's held-out progress on {} rows of {}", rows.rows(), rows.source());
        return new ProgressProbe(measures, rows, nanos);
    }

    /** {@return the batch without held-out training rows} */
    Batch without(Batch batch) {
        return rows.without(batch);
    }

    /** Before a sparse batch: starts its clock and measures if the policy asks. */
    void beforeBatch(Trainer trainer) {
        start = nanos.getAsLong();
        if (policy.measureNow()) {
            policy.measured(rows.meanLoss(trainer));
        }
    }

    /** After a batch: its time, if {@link #beforeBatch} started it. */
    void afterBatch() {
        if (start >= 0) {
            policy.batchTrained(nanos.getAsLong() - start);
            start = -1;
        }
    }

    @Override
    public void close() {
        rows.close();
    }
}
