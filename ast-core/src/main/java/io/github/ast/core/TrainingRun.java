package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.BatchWork;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's batch pipeline, a stage per line: scores ({@link ScoreSource}), selection (the {@link SelectionPolicy}),
 * backward batches ({@link BackwardAssembler}), the steps with the sampler's weights and what they feed back
 * ({@link BatchSteps}), and the batch's figures ({@link BatchTally}). A batch enters {@link #train} once and leaves
 * with its {@link BatchResult}.
 *
 * <p>Holds what lives as long as the run: the phase, the history, the queue of pooled rows and the policy's arrays.
 */
final class TrainingRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final SelectionPolicy policy;
    private final EnergyAccount energy;
    private final ScoreSource source;
    private final BatchSteps steps;
    private final NDManager manager;
    private final SampleHistory history;
    private final BackwardAssembler assembler;
    private final PhaseTimes times;
    private final StepGuard guard;
    private final LongSupplier nanos;
    /** The policy's capabilities the batch path asks for, resolved once; null when it lacks them. */
    private final SelectionPolicy.Unscored unscored;
    private final SelectionPolicy.LearnsFromSteps learner;
    private final SelectionPolicy.ScoresFromHistory historyScores;
    /** The plain DJL step for every-row batches, when the policy allows it on one device; else null. */
    private final PlainStep plain;
    private SelectionConfig.Phase phase = SelectionConfig.Phase.SPARSE;
    /** The next batch's 0-based position in its epoch, which decides whether {@code ast.scoreEvery} scores it. */
    private long position;
    /** Whether the run's first batch has checked that the model takes the scoring forward's input. */
    private boolean inputChecked;
    /** The last sparse batch of this epoch and when it started, for the policy's batch times. */
    private BatchResult previous;
    private long previousStart;

    /**
     * Opens a run.
     *
     * @param config the configuration
     * @param policy the selection policy; started here
     * @param energy the energy account
     * @param perSampleLoss the unreduced loss
     * @param trainer the DJL trainer, whose manager the run's arrays live under
     * @param historySize the training set's size when scores come from a history, else -1
     * @param times the profile's recorder, {@link PhaseTimes#OFF} outside profiles
     * @param nanos the time batches are measured on, for {@link SelectionPolicy.LearnsFromSteps#batchTime}
     * @param sampled the training set's sampler's weights, or null when it gives none
     * @throws io.github.ast.api.ConfigurationException if the sampler's weights would meet pooled steps
     */
    TrainingRun(AstConfig config, SelectionPolicy policy, EnergyAccount energy, PerSampleLoss perSampleLoss,
            Trainer trainer, long historySize, PhaseTimes times, LongSupplier nanos, SamplerWeights sampled) {
        SamplerWeights.requirePerBatchSteps(sampled, config.steps().backwardBatch());
        this.policy = policy;
        this.unscored = policy instanceof SelectionPolicy.Unscored u ? u : null;
        this.learner = policy instanceof SelectionPolicy.LearnsFromSteps l ? l : null;
        this.historyScores = policy instanceof SelectionPolicy.ScoresFromHistory h ? h : null;
        this.energy = energy;
        this.source = new ScoreSource(config.selection(), config.scoring(), perSampleLoss);
        this.guard = new StepGuard(config.steps().maxBadSteps());
        this.times = times;
        this.nanos = nanos;
        this.manager = trainer.getManager().newSubManager();
        this.history = historySize < 0 ? null : new SampleHistory(manager, historySize);
        GradientClipping clipping = GradientClipping.of(config.steps().clipNorm(), trainer);
        this.steps = new BatchSteps(new WeightedStep(perSampleLoss, config.steps().splits(), times, guard, clipping),
                learner, history, sampled, times);
        this.plain = unscored != null && unscored.plainSteps() && trainer.getDevices().length == 1
                ? new PlainStep(perSampleLoss, manager, clipping) : null;
        this.assembler = config.steps().backwardBatch() > 0
                ? new PooledAssembler(config.steps().backwardBatch(), manager) : new BackwardAssembler.PerBatch();
        if (policy instanceof SelectionPolicy.Stateful stateful) {
            stateful.start(manager);
        }
    }

    /**
     * Starts an epoch: its phase and whether its scores are fresh.
     *
     * @param epoch 1-based epoch
     * @param phase warm-up, sparse or anneal
     * @param firstBatch the position of the first batch this run trains in it: 0, or the batches a resumed epoch
     *     trained before its checkpoint
     */
    void startEpoch(int epoch, SelectionConfig.Phase phase, long firstBatch) {
        this.phase = phase;
        this.position = firstBatch;
        guard.startEpoch(epoch);
        previous = null; // a batch's time is only measured to the next batch of its epoch
        source.startEpoch(epoch);
        if (plain != null) {
            plain.startEpoch(epoch);
        }
    }

    SelectionConfig.Phase phase() {
        return phase;
    }

    SampleHistory history() {
        return history;
    }

    BackwardAssembler assembler() {
        return assembler;
    }

    SelectionPolicy policy() {
        return policy;
    }

    /** Trains one batch: empty ones are passed over, the rest checked against the model first. */
    BatchResult train(Trainer trainer, Batch batch) {
        if (batch.getSize() == 0) {
            LOG.warn("Skipped an empty batch (size 0)");
            position++;
            return BatchResult.skipped(0, policy.threshold());
        }
        Validation.requireModelInputShape(trainer, batch.getData());
        if (!energy.isAttached()) {
            energy.attach(trainer.getModel().getBlock(), batch.getData().head().getShape().slice(1));
        }
        long at = position++;
        guard.at(at);
        if (!inputChecked) {
            source.requireScorableInput(trainer, batch.getData());
            inputChecked = true;
        }
        if (phase != SelectionConfig.Phase.SPARSE) {
            return fullStep(trainer, batch, 0);
        }
        if (unscored != null && unscored.trainsEveryRow()) {
            if (plain == null) {
                return fullStep(trainer, batch, batch.getSize());
            }
            SampleHistory recording = historyScores == null || historyScores.recordsHistory() ? history : null;
            return whole(plain.train(trainer, batch, recording, recording == null ? null : recording.indices(batch),
                    steps, guard), batch.getSize());
        }
        long start = nanos.getAsLong();
        if (previous != null && !previous.skipped() && learner != null) {
            learner.batchTime(previous.scored(), start - previousStart);
        }
        previous = sparseStep(trainer, batch, at);
        previousStart = start;
        return previous;
    }

    /**
     * Trains every sample with no scoring pass: a real 100%, for warm-up and annealing, and for a policy that
     * chooses every row.
     *
     * @param gateActive the rows reported as the gate's: 0 outside selection, the batch when the policy chose all
     */
    private BatchResult fullStep(Trainer trainer, Batch batch, int gateActive) {
        int size = batch.getSize();
        WeightedStep.Trained trained = steps.trainAll(trainer, batch, history == null ? null : history.indices(batch));
        if (trained == null) {
            return BatchResult.skipped(size, policy.threshold());
        }
        return whole(new BatchTally(size).all(gateActive).steps(size, trained.lossSum(), trained.correct()), size);
    }

    /** The result of a batch trained whole, with no scoring pass, priced. */
    private BatchResult whole(BatchTally tally, int size) {
        return tally.priced(energy.price(new BatchWork(size, 0, size))).result(policy.threshold());
    }

    private BatchResult sparseStep(Trainer trainer, Batch batch, long position) {
        int size = batch.getSize();
        NDArray indices = history == null ? null : history.indices(batch);
        Selection chosen = unscored == null ? null : unscored.selectUnscored(size, batch.getManager());
        if (chosen != null) {
            return trainSelection(trainer, batch, chosen, indices, null, null);
        }
        ScoreSource.Scores scores = source.scores(trainer, batch, indices, history, position,
                historyScores != null && historyScores.fromHistory());
        times.end(PhaseTimes.Phase.SCORING_FORWARD, scores.losses());
        Selection selection = policy.select(new PolicyBatch(new ScoringBatch(batch.getData(), batch.getLabels(),
                scores.outputs(), scores.losses()), scores.unseen(),
                indices != null ? indices : SampleHistory.indicesOf(batch)));
        // Read after the policy's own read has waited for the engine: the statistics are ready by then.
        float[] statistics = scores.fresh() ? scores.statistics().toFloatArray() : null;
        if (statistics != null) {
            source.requireValidLabels(scores, statistics, batch.getLabels());
        }
        times.end(PhaseTimes.Phase.SELECTION, (NDArray) null);
        if (statistics != null && !Double.isFinite(statistics[0])) {
            guard.skipNonFiniteScoring(trainer, batch, statistics[0]);
            return BatchResult.skipped(size, policy.threshold());
        }
        if (statistics != null && history != null) {
            history.record(indices, scores.outputs().head(), scores.losses()); // a scored batch of a history run
        }
        if (selection.skipped()) {
            LOG.warn("Skipped a batch of {} samples: {}", size, selection.skipReason());
            return BatchResult.skipped(size, policy.threshold());
        }
        return trainSelection(trainer, batch, selection, indices, scores.fresh() ? scores.outputs() : null,
                statistics);
    }

    /**
     * Trains a batch's selection: per batch, or queued for pooled steps.
     *
     * @param scoredOutputs the scoring pass's outputs, or null when the batch had none (stale scores, or a
     *     selection made without scores)
     * @param statistics the scoring pass's (loss sum, correct), or null without one
     */
    private BatchResult trainSelection(Trainer trainer, Batch batch, Selection selection, NDArray indices,
            NDList scoredOutputs, float[] statistics) {
        int size = batch.getSize();
        boolean fresh = scoredOutputs != null;
        List<StepRows> assembled = assembler.offer(batch, selection, indices, steps.sampleWeights(batch));
        times.end(PhaseTimes.Phase.GATHER, assembled.isEmpty() ? null : assembled.get(0).data());
        boolean pooled = assembler instanceof PooledAssembler;
        if (pooled) {
            policy.accept(selection); // queued: the rows will train, now or later
        }
        BatchSteps.Done done = steps.train(trainer, batch, selection.rows(), assembled, !fresh);
        // A failed per-batch step skips the batch. A failed pooled step drops its rows (WeightedStep says so): the
        // batch that completed it is counted as skipped, with what was forwarded and back-propagated for it.
        if (done.failed() && !pooled) {
            return BatchResult.skipped(size, policy.threshold());
        }
        if (!pooled) {
            policy.accept(selection);
        }
        BatchTally tally = new BatchTally(size).selected(selection);
        if (done.failed()) {
            tally.failed();
        }
        tally.priced(energy.price(new BatchWork(size, fresh ? size : 0, selection.count())));
        if (fresh) {
            steps.notifyTraining(trainer, batch, batch.getLabels(), scoredOutputs);
            tally.scored(statistics);
        }
        return tally.steps(done.rows(), done.lossSum(), done.correct()).result(policy.threshold());
    }

    /**
     * Trains what is still queued at the end of an epoch (pooled steps), so that nothing selected is dropped, reads
     * the plain steps' figures not read yet, and checks that the parameters are finite.
     *
     * @return the rows and figures to add to the epoch's, or null when there are none
     */
    BatchResult finishEpoch(Trainer trainer) {
        BatchTally tally = new BatchTally(0);
        boolean any = plain != null && plain.addFigures(tally, trainer, guard);
        any = flush(trainer, tally) || any;
        // Parameters an update made non-finite without a bad loss (MXNet's ReLU turns NaN into 0) end the run here.
        guard.requireFiniteParameters(trainer);
        return any ? tally.result(policy.threshold()) : null;
    }

    /** {@return the plain steps' figures not read yet}, for a checkpoint; null when there are none */
    PlainStep.Pending unreadFigures() {
        return plain == null ? null : plain.pending();
    }

    /** Restores the plain steps' figures a checkpoint carried. */
    void restoreUnreadFigures(PlainStep.Pending pending) {
        if (plain != null) {
            plain.restore(pending);
        }
    }

    /** Stops the run when the parameters are no longer finite (one read), before a batch checkpoint saves them. */
    void requireFiniteParameters(Trainer trainer) {
        guard.requireFiniteParameters(trainer);
    }

    private boolean flush(Trainer trainer, BatchTally tally) {
        if (assembler.queued() == 0) {
            return false;
        }
        try (NDManager scratch = manager.newSubManager()) {
            BatchSteps.Done done = steps.train(trainer, null, null, assembler.flush(scratch), !source.fresh());
            // After fresh scores the epoch's statistics are the scoring passes'; the flushed rows only add work.
            if (source.fresh()) {
                tally.rowsOnly(done.rows());
            } else {
                tally.steps(done.rows(), done.lossSum(), done.correct());
            }
            return true;
        }
    }

    @Override
    public void close() {
        if (plain != null) {
            plain.close();
        }
        assembler.close();
        if (history != null) {
            history.close();
        }
        manager.close();
    }
}
