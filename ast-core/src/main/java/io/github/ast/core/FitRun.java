package io.github.ast.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.SelectionPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code fit}: what lives as long as it (the batch pipeline, checkpoints, the energy meter, the epochs' figures)
 * and what happens around each batch and epoch (randomness on its grid, observers, accounting, checkpoints), so that
 * {@link AdaptiveSparseTrainer#fit} reads as the loop it is.
 */
final class FitRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FitRun.class);

    private final AdaptiveSparseTrainer ast;
    private final Trainer trainer;
    private final int epochs;
    private final TrainingObserver observer;
    private final RunCheckpoints checkpoints;
    private final List<EpochStats> completed = new ArrayList<>();
    private final EngineLease lease;
    private final TrainingRun pipeline;
    private final Randomness randomness;
    /** Held-out progress for a policy that measures it, or null. */
    private ProgressProbe probe;
    private Optional<EnergyMeter> meter = Optional.empty();
    private int first;
    private EpochTally partial;
    private PreparationWork preparation = PreparationWork.NONE;
    private double preparationJoules;
    private int epoch;
    private EpochTally tally;
    private Iterator<Batch> batches;
    private boolean firstDrawn;
    private long epochStart;
    private double joulesAtStart;

    /** Opens a run: its pipeline, the resumed state, the meter, and the policy's preparation. */
    FitRun(AdaptiveSparseTrainer ast, Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer, Checkpointing checkpointing) throws IOException, TranslateException {
        this.ast = ast;
        this.trainer = trainer;
        this.epochs = epochs;
        this.observer = observer;
        AstConfig config = ast.config();
        Engine engine = trainer.getManager().getEngine();
        this.randomness = new Randomness(engine, config.random().seed(), config.random().reseedEvery(), ast);
        this.checkpoints = checkpointing == null ? null : new RunCheckpoints(checkpointing, config, completed,
                trainingSet instanceof RandomAccessDataset r ? r.size() : -1);
        long historySize = SampleHistory.sizeFor(config, ast.policy(), trainingSet);
        this.lease = EngineLease.acquire(engine);
        TrainingRun opened = null;
        try {
            opened = ast.openPipeline(trainer, historySize);
            HeldOutSet heldOut = ast.inputs().heldOut();
            probe = ProgressProbe.open(ast.policy(), trainer, heldOut != null ? heldOut.rows() : validationSet,
                    trainingSet, config.random().seed(), ast.perSampleLoss(), ast.inputs().nanos());
            CheckpointStore.State resumed = checkpoints == null ? null
                    : checkpoints.resume(trainer, epochs, ast.controller(), opened);
            partial = resumed == null ? null : resumed.partial();
            first = resumed == null ? 1 : resumed.stoppedEarly() ? epochs + 1 : resumed.epoch() + 1;
            meter = EnergyMeters.open(config.plugins().meter(),
                    config.contextFor("meter", java.util.Map.of()).settings());
            prepare(trainingSet);
        } catch (RuntimeException | IOException | TranslateException e) {
            close(opened);
            throw e;
        }
        this.pipeline = opened;
    }

    private void prepare(Dataset trainingSet) throws IOException, TranslateException {
        double before = meter.map(EnergyMeter::joules).orElse(0.0);
        if (ast.policy() instanceof SelectionPolicy.Prepared prepared) {
            preparation = prepared.prepare(trainingSet);
        }
        preparationJoules = meter.map(EnergyMeter::joules).orElse(0.0) - before;
        if (preparation.seconds() > 0) {
            LOG.info(String.format(Locale.ROOT, "Prepared the '%s' policy in %.1f s: %d rows forwarded, %d "
                    + "back-propagated, counted in the first epoch", ast.config().plugins().policy(),
                    preparation.seconds(), preparation.forwarded(), preparation.backPropagated()));
        }
        observer.onPreparation(preparation);
    }

    int firstEpoch() {
        return first;
    }

    TrainingRun pipeline() {
        return pipeline;
    }

    /**
     * Starts an epoch: randomness, phase, the policy's epoch and target, and the batches, passing over those a
     * resumed epoch trained before its checkpoint (drawn from the same shuffle, then dropped).
     */
    Iterator<Batch> startEpoch(int number, Dataset trainingSet) throws IOException, TranslateException {
        epoch = number;
        randomness.startEpoch(epoch);
        AstConfig config = ast.config();
        SelectionConfig selection = config.selection();
        SelectionConfig.Phase phase = selection.phase(epoch, epochs);
        tally = partial == null ? new EpochTally() : partial;
        if (partial != null) {
            pipeline.restoreUnreadFigures(partial.unread);
        }
        partial = null;
        pipeline.startEpoch(epoch, phase, tally.batches);
        if (ast.policy() instanceof SelectionPolicy.EpochAware aware) {
            aware.startEpoch(epoch, epochs);
        }
        if (phase == SelectionConfig.Phase.SPARSE && !Double.isNaN(selection.targetStart())) {
            ast.controller().retarget(selection.targetRate(epoch, epochs, config.target().targetRate()));
        }
        if (epoch == first) {
            tally.addPreparation(preparation, preparationJoules);
        }
        batches = trainer.iterateDataset(trainingSet).iterator();
        for (int passed = 0; passed < tally.batches; passed++) {
            if (!batches.hasNext()) {
                throw new ConfigurationException("the checkpoint was written after batch " + tally.batches
                        + " of epoch " + epoch + " but the training set now has only " + passed + " batches");
            }
            try (Batch passedOver = batches.next()) {
                if (passed == 0 && checkpoints != null) {
                    checkpoints.firstBatchOfEpoch(passedOver.getSize());
                }
            }
        }
        firstDrawn = tally.batches == 0;
        epochStart = System.nanoTime();
        joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
        ast.times().mark();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public Batch next() {
                Batch batch = batches.next();
                beforeBatch(batch);
                if (probe == null) {
                    return batch;
                }
                if (pipeline.phase() == SelectionConfig.Phase.SPARSE) {
                    probe.beforeBatch(trainer);
                }
                return probe.without(batch);
            }
        };
    }

    private void beforeBatch(Batch batch) {
        ast.times().end(PhaseTimes.Phase.DATA, (NDArray) null);
        if (firstDrawn && checkpoints != null) {
            checkpoints.firstBatchOfEpoch(batch.getSize());
        }
        firstDrawn = false;
        randomness.beforeBatch(epoch, tally.batches);
    }

    /**
     * Accounts a trained batch: observers, the epoch's tally, a batch checkpoint on its cadence.
     *
     * @return whether training goes on; false when the observer stopped it
     */
    boolean afterBatch(Batch batch, BatchResult result) throws IOException {
        ast.times().endBatch();
        observer.onBatch(epoch, result);
        if (probe != null) {
            probe.afterBatch();
        }
        observer.onProgress(epoch, batch.getProgress(), batch.getProgressTotal());
        tally.add(result);
        int everyBatches = checkpoints == null ? 0 : checkpoints.everyBatches();
        if (everyBatches > 0 && tally.batches % everyBatches == 0 && batches.hasNext()) {
            checkpoints.write(trainer, epoch - 1, epochs, tally.snapshot(seconds(), joules(),
                    pipeline.unreadFigures()), false, ast.controller(), pipeline);
        }
        ast.times().mark();
        return observer.continueTraining(epoch, result);
    }

    /** Ends an epoch that ran to its end: the queued rows, validation, the epoch's figures, its checkpoint. */
    boolean finishEpoch(Dataset validationSet) throws IOException, TranslateException {
        requireTrained();
        BatchResult flush = pipeline.finishEpoch(trainer);
        if (flush != null) {
            tally.addFlush(flush);
            ast.times().endBatch(); // the flush's phases, recorded as one more entry
        }
        double trainSeconds = seconds();
        double trainJoules = meter.isPresent() ? joules() : Double.NaN;
        long validationStart = System.nanoTime();
        double[] validation = validationSet == null ? noValidation()
                : Validation.evaluate(trainer, validationSet, ast.perSampleLoss());
        if (validation[2] > 0) {
            LOG.warn("Epoch {}: {} validation rows have NaN or infinite inputs; they are left out of the validation "
                    + "figures", epoch, (long) validation[2]);
        }
        double validationSeconds = (System.nanoTime() - validationStart) / 1e9;
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        EpochStats stats = epochStats(validation, trainSeconds, trainJoules, validationSeconds);
        completed.add(stats);
        LOG.debug(stats.line());
        observer.onEpoch(stats);
        boolean last = epoch == epochs || !observer.continueTraining(stats);
        if (checkpoints != null && (last || epoch % checkpoints.everyEpochs() == 0)) {
            checkpoints.write(trainer, epoch, epochs, null, last && epoch < epochs, ast.controller(), pipeline);
        }
        return !last;
    }

    /** Ends the run within an epoch, as the observer asked: the epoch's figures so far, nothing more trained. */
    RunReport stopWithinEpoch() {
        EpochStats stats = epochStats(noValidation(), seconds(), meter.isPresent() ? joules() : Double.NaN, 0);
        completed.add(stats);
        observer.onEpoch(stats);
        return report();
    }

    /** Validation's figures for an epoch without it: loss and accuracy unmeasured, no rows left out. */
    private static double[] noValidation() {
        return new double[] {Double.NaN, Double.NaN, 0};
    }

    private EpochStats epochStats(double[] validation, double trainSeconds, double trainJoules,
            double validationSeconds) {
        AstConfig config = ast.config();
        return tally.stats(new EpochTally.Ending(epoch, epochs, pipeline.phase(),
                config.selection().targetRate(epoch, epochs, config.target().targetRate()), ast.policy().threshold(),
                validation, trainSeconds, trainJoules, validationSeconds,
                ast.policy() instanceof SelectionPolicy.MeasuresProgress m ? m.epochModes() : ""),
                ast.energyAccount());
    }

    private void requireTrained() {
        if (tally.batches == 0) {
            throw new IllegalStateException("epoch " + epoch + ": the training set yielded no batch, so nothing was "
                    + "trained; pass a dataset with samples");
        }
        if (tally.skipped == tally.batches) {
            throw new IllegalStateException("epoch " + epoch + ": all " + tally.batches + " batches were skipped "
                    + "(empty, or with NaN or infinite inputs or losses: see the warnings above), so nothing was "
                    + "trained; check the data for NaN or infinite values");
        }
    }

    /** The epoch's training seconds so far, the part run before a resume included. */
    private double seconds() {
        return tally.earlierSeconds + (System.nanoTime() - epochStart) / 1e9;
    }

    /** The epoch's metered joules so far, the part run before a resume included. */
    private double joules() {
        return tally.earlierJoules + meter.map(m -> m.joules() - joulesAtStart).orElse(0.0);
    }

    RunReport report() {
        return new RunReport(ast.config(), Provenance.of(trainer.getManager().getEngine()), ast.energyAccount().units(),
                meter.map(EnergyMeter::description).orElse("none"), meter.map(EnergyMeter::isEstimate).orElse(false),
                completed, ast.policy() instanceof SelectionPolicy.MeasuresProgress m ? m.decisions() : List.of());
    }

    @Override
    public void close() {
        close(pipeline);
    }

    private void close(TrainingRun opened) {
        try {
            if (opened != null) {
                opened.close();
            }
            if (probe != null) {
                probe.close();
            }
        } finally {
            meter.ifPresent(EnergyMeter::close);
            lease.close();
        }
    }
}
