package io.github.ast.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.djl.schedule.TrainingClock;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a DJL {@link Trainer} on the samples that still teach the model something, one batch at a time.
 *
 * <p>The entry point mirrors {@code EasyTrain.fit(trainer, epochs, train, validation)}: an epoch loop that restarts
 * randomness on a fixed grid, runs each batch through the run's stages ({@link TrainingRun}: scores, the selection
 * policy, backward batches, the weighted step, the history), validates, and checkpoints ({@link RunCheckpoints}).
 * The default policy is the published system: per batch a gradient-free scoring forward, per-sample losses, the
 * scorer, the gate at the PI controller's threshold, a random fallback of {@code minActive} samples, forward and
 * backward on the selected rows. Warm-up and annealing epochs train on every sample without scoring. Everything per
 * sample happens on the engine; the host reads a handful of counts per batch.
 *
 * <p>The trainer's {@code TrainingListener}s receive the same callbacks as under {@code EasyTrain}:
 * {@code onTrainingBatch} (with the scoring pass's predictions for the whole batch), {@code onValidationBatch} and
 * {@code onEpoch}. One instance is one run: the controller and the policy carry state from batch to batch. Custom
 * loops call {@link #startEpoch}, {@link #trainBatch} and {@link #finishEpoch}.
 */
public final class AdaptiveSparseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveSparseTrainer.class);

    private final AstConfig config;
    private final Scorer scorer;
    private final Gate gate;
    private final Controller controller;
    private final EnergyAccount energy;
    private final PerSampleLoss perSampleLoss;
    private final SelectionPolicy policy;
    /** The run's own random numbers, re-seeded with the engine's generator. */
    private final RunRandom random;
    /** The run of a custom loop ({@link #trainBatch} outside {@code fit}), opened on its first batch. */
    private TrainingRun customRun;
    private Trainer customTrainer;
    /** Where the profile command records each phase's time; off otherwise. */
    private PhaseTimes times = PhaseTimes.OFF;
    /** What a batch's time is measured on: the machine's clock, or a training clock supplied as a service. */
    private LongSupplier nanos = System::nanoTime;

    /**
     * Creates a trainer from its parts, normally through {@link AstModule}.
     *
     * @param config the configuration (target rate, fallback size, seed, engine)
     * @param parts the scorer, gate and controller
     * @param energy the energy models, primary first
     * @param perSampleLoss the unreduced loss used for scoring
     * @param policy the selection policy, built on the same scorer, gate and controller
     * @param random the run's own random numbers, shared with the plugins
     */
    @Inject
    public AdaptiveSparseTrainer(AstConfig config, SelectionParts parts, EnergyAccount energy,
            PerSampleLoss perSampleLoss, SelectionPolicy policy, RunRandom random) {
        this.config = config;
        this.random = random;
        this.scorer = parts.scorer();
        this.gate = parts.gate();
        this.controller = parts.controller();
        this.energy = energy;
        this.perSampleLoss = perSampleLoss;
        this.policy = policy;
    }

    /** {@return the configuration} */
    public AstConfig config() {
        return config;
    }

    /** {@return the scorer} */
    public Scorer scorer() {
        return scorer;
    }

    /** {@return the gate} */
    public Gate gate() {
        return gate;
    }

    /** {@return the controller, for inspecting its state} */
    public Controller controller() {
        return controller;
    }

    /** {@return the selection policy} */
    public SelectionPolicy policy() {
        return policy;
    }

    /**
     * Times every phase of the batches this trainer runs from now on (the profile command's instrument): waits for
     * the engine at the end of each phase, so profiled batches are slower. {@code fit} records every batch, data
     * loading included; a custom loop marks its own data loading and calls {@link PhaseTimes#endBatch()}.
     *
     * @param recorder the recorder, or {@code null} to stop profiling
     */
    public void profileWith(PhaseTimes recorder) {
        closeCustomRun(); // a custom run keeps the recorder it was opened with
        this.times = recorder == null ? PhaseTimes.OFF : recorder;
    }

    /** Measures batch times ({@link SelectionPolicy#batchTime}) on a training clock, which pauses for evaluations. */
    void measureBatchesOn(TrainingClock clock) {
        nanos = clock::nanos;
    }

    /** {@return the primary energy model} */
    public EnergyModel energyModel() {
        return energy.primaryModel();
    }

    /** {@return every energy model the run prices with, primary first} */
    public EnergyAccount energyAccount() {
        return energy;
    }

    /**
     * Trains for a number of epochs, validating after each, like {@code EasyTrain.fit}, printing each epoch's line
     * and, on a terminal, a progress bar within it ({@link ConsoleOutput#standard()}).
     *
     * @param trainer a DJL trainer whose model is initialised
     * @param epochs number of epochs, >= 1
     * @param trainingSet the training data
     * @param validationSet the validation data, or null
     * @return the report of the run
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be built
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet)
            throws IOException, TranslateException {
        return fit(trainer, epochs, trainingSet, validationSet, ConsoleOutput.standard());
    }

    /**
     * Trains like {@link #fit(Trainer, int, Dataset, Dataset)} and reports every batch and epoch to an observer as
     * they end, for live output and traces, instead of the console: pass
     * {@code TrainingObserver.all(ConsoleOutput.standard(), yours)} to keep the console output too.
     *
     * @param trainer a DJL trainer whose model is initialised
     * @param epochs number of epochs, >= 1
     * @param trainingSet the training data
     * @param validationSet the validation data, or null
     * @param observer receives every batch's result and every epoch's figures
     * @return the report of the run
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be built
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer) throws IOException, TranslateException {
        return fit(trainer, epochs, trainingSet, validationSet, observer, null);
    }

    /**
     * Trains with checkpoints: after every {@code checkpointing.everyEpochs()} epochs (and the last), and every
     * {@code checkpointing.everyBatches()} batches within an epoch, the run's state is written atomically; with
     * {@code checkpointing.resume()} a run starts at the latest checkpoint's epoch and batch, with its parameters,
     * controller, history and figures. See {@link Checkpointing} for what is restored.
     *
     * @param trainer a DJL trainer whose model is initialised with the same structure as the checkpoint's; on MXNet
     *     its parameters must have been restored with {@link Checkpointing#restoreParameters} before the trainer
     *     was created
     * @param epochs number of epochs, >= 1
     * @param trainingSet the training data
     * @param validationSet the validation data, or null
     * @param observer receives every batch's result and every epoch's figures (only for epochs run here)
     * @param checkpointing where and how often to checkpoint, or null for none
     * @return the report of the whole run, resumed epochs included
     * @throws IOException if the data or a checkpoint cannot be read or written
     * @throws TranslateException if a batch cannot be built
     * @throws ConfigurationException if the checkpoint was written with another configuration, engine, training set
     *     size or batch size, for more epochs than asked for (or for another number while a schedule depends on it),
     *     if the model does not hold its parameters on an engine where the trainer keeps its own copy (MXNet), if the
     *     directory holds checkpoints and resume is off, if the batch cadence is not a multiple of
     *     {@code ast.reseedEvery}, or if the policy resizes the batches ({@link SelectionPolicy#resizesBatches})
     * @throws IllegalArgumentException if the checkpoint's optimiser state does not fit the optimiser or the model
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer, Checkpointing checkpointing) throws IOException, TranslateException {
        if (epochs < 1) {
            throw new ConfigurationException("epochs=" + epochs + " must be >= 1");
        }
        Engine engine = trainer.getManager().getEngine();
        Validation.requireFittable(config, gate, policy, engine, checkpointing);
        String noSelection = Validation.noSelectingEpoch(config.selection(), epochs);
        if (noSelection != null) {
            LOG.warn(noSelection);
        }
        if (trainingSet instanceof RandomAccessDataset r && r.size() == 0) {
            throw new ConfigurationException("the training set is empty (a RandomAccessDataset of size 0): there is "
                    + "nothing to train");
        }
        if (validationSet instanceof RandomAccessDataset r && r.size() == 0) {
            throw new ConfigurationException("validationSet is empty (a RandomAccessDataset of size 0): pass null to "
                    + "train without validation, or a dataset with samples");
        }
        SelectionConfig selection = config.selection();
        long historySize = historySize(trainingSet);
        closeCustomRun(); // the policy restarts with fit's run
        List<EpochStats> epochStats = new ArrayList<>();
        RunCheckpoints checkpoints = checkpointing == null ? null : new RunCheckpoints(checkpointing, config,
                epochStats, trainingSet instanceof RandomAccessDataset r ? r.size() : -1);
        Optional<EnergyMeter> meter = Optional.empty();
        EngineLease lease = EngineLease.acquire(engine);
        try (TrainingRun run = new TrainingRun(config, policy, energy, perSampleLoss, trainer, historySize, times,
                nanos)) {
            CheckpointStore.State resumed = checkpoints == null ? null
                    : checkpoints.resume(trainer, epochs, controller, run);
            EpochTally partial = resumed == null ? null : resumed.partial();
            meter = EnergyMeters.open(config.meter(), config.contextFor("meter", Map.of()).settings());
            Prepared prepared = prepare(trainingSet, meter);
            int first = resumed == null ? 1 : resumed.stoppedEarly() ? epochs + 1 : resumed.epoch() + 1;
            for (int epoch = first; epoch <= epochs; epoch++) {
                long epochSeed = config.seed() * 1_000_003L + epoch;
                restartRandomness(engine, (int) epochSeed, epochSeed);
                SelectionConfig.Phase phase = selection.phase(epoch, epochs);
                EpochTally tally = partial == null ? new EpochTally() : partial;
                run.startEpoch(epoch, phase, tally.batches);
                policy.startEpoch(epoch, epochs);
                if (phase == SelectionConfig.Phase.SPARSE && !Double.isNaN(selection.targetStart())) {
                    controller.retarget(selection.targetRate(epoch, epochs, config.targetRate()));
                }
                if (epoch == first) {
                    tally.addPreparation(prepared.work(), prepared.joules());
                }
                EpochStats stats = runEpoch(trainer, run, epoch, epochs, tally, trainingSet, validationSet, meter,
                        observer, checkpoints);
                partial = null;
                epochStats.add(stats);
                LOG.debug(stats.line());
                observer.onEpoch(stats);
                boolean last = epoch == epochs || !observer.continueTraining(stats);
                if (checkpoints != null && (last || epoch % checkpoints.everyEpochs() == 0)) {
                    checkpoints.write(trainer, epoch, epochs, null, last && epoch < epochs, controller, run);
                }
                if (last) {
                    break;
                }
            }
        } finally {
            meter.ifPresent(EnergyMeter::close);
            lease.close();
        }
        return new RunReport(config, Provenance.of(engine), energy.units(),
                meter.map(EnergyMeter::description).orElse("none"), meter.map(EnergyMeter::isEstimate).orElse(false),
                epochStats);
    }

    /** What the policy's preparation cost, with the joules a meter measured meanwhile (0 without one). */
    private record Prepared(PreparationWork work, double joules) {}

    private Prepared prepare(Dataset trainingSet, Optional<EnergyMeter> meter) throws IOException,
            TranslateException {
        double before = meter.map(EnergyMeter::joules).orElse(0.0);
        PreparationWork work = policy.prepare(trainingSet);
        if (work.seconds() > 0) {
            LOG.info(String.format(Locale.ROOT, "Prepared the '%s' policy in %.1f s: %d rows forwarded, %d "
                    + "back-propagated, counted in the first epoch", config.policy(), work.seconds(), work.forwarded(),
                    work.backPropagated()));
        }
        return new Prepared(work, meter.map(EnergyMeter::joules).orElse(0.0) - before);
    }

    /** The training set's size when scores come from a history, -1 when every batch is scored afresh. */
    private long historySize(Dataset trainingSet) {
        if (!keepsHistory()) {
            return -1;
        }
        if (!(trainingSet instanceof RandomAccessDataset randomAccess)) {
            throw new ConfigurationException(historySetting() + " needs a RandomAccessDataset (ArrayDataset ...) "
                    + "whose batches carry dataset indices; got " + trainingSet.getClass().getName());
        }
        return randomAccess.size();
    }

    /**
     * Restarts the engine's generator (DJL's sampler included) and the policy's from seeds, at every epoch and
     * every {@code ast.reseedEvery} batches, so that a run resumed at a checkpoint draws what an uninterrupted one
     * does: engines offer no way to save their generator's state.
     */
    private void restartRandomness(Engine engine, int engineSeed, long policySeed) {
        engine.setRandomSeed(engineSeed);
        reseed(policySeed);
    }

    /**
     * Derives the seed for the batches after position {@code batch} of an epoch from the configured seed, mixed
     * (SplitMix64's finaliser) so that neighbouring epochs and positions get unrelated streams.
     */
    private static long derivedSeed(long seed, int epoch, int batch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Restarts AST's own randomness, as {@code fit} does at every epoch and every {@code ast.reseedEvery} batches:
     * the run's generator ({@link RunRandom}: gates, exploration, sampling policies) and the policy's own (the
     * random fallback). For custom loops that restart their randomness, for example to resume exactly; the engine's
     * generator stays the loop's.
     *
     * @param seed the seed
     */
    public void reseed(long seed) {
        policy.reseed(seed);
        random.reseed(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L); // not the policy's own stream
    }

    /** A non-negative int for {@code Engine.setRandomSeed}, which engines pass on to 32-bit generators. */
    private static int engineSeed(long derived) {
        return (int) (derived >>> 33);
    }

    private EpochStats runEpoch(Trainer trainer, TrainingRun run, int epoch, int epochs, EpochTally tally,
            Dataset trainingSet, Dataset validationSet, Optional<EnergyMeter> meter, TrainingObserver observer,
            RunCheckpoints checkpoints) throws IOException, TranslateException {
        Iterator<Batch> batches = trainer.iterateDataset(trainingSet).iterator();
        for (int passed = 0; passed < tally.batches; passed++) {
            // Trained before the checkpoint this run resumed from: drawn from the same shuffle, then dropped.
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
        boolean firstDrawn = tally.batches == 0;
        int everyBatches = checkpoints == null ? 0 : checkpoints.everyBatches();
        long start = System.nanoTime();
        double joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
        // The epoch's training seconds and metered joules so far, the part run before a resume included.
        DoubleSupplier seconds = () -> tally.earlierSeconds + (System.nanoTime() - start) / 1e9;
        DoubleSupplier joules = () -> tally.earlierJoules + meter.map(m -> m.joules() - joulesAtStart).orElse(0.0);
        times.mark();
        while (batches.hasNext()) {
            try (Batch batch = batches.next()) {
                times.end(PhaseTimes.Phase.DATA, (NDArray) null);
                if (firstDrawn && checkpoints != null) {
                    checkpoints.firstBatchOfEpoch(batch.getSize());
                }
                firstDrawn = false;
                if (tally.batches > 0 && tally.batches % config.reseedEvery() == 0) {
                    long seed = derivedSeed(config.seed(), epoch, tally.batches);
                    restartRandomness(trainer.getManager().getEngine(), engineSeed(seed), seed);
                }
                BatchResult result = trainOne(trainer, run, batch);
                times.endBatch();
                observer.onBatch(epoch, result);
                observer.onProgress(epoch, batch.getProgress(), batch.getProgressTotal());
                tally.add(result);
            }
            if (everyBatches > 0 && tally.batches % everyBatches == 0 && batches.hasNext()) {
                checkpoints.write(trainer, epoch - 1, epochs, tally.snapshot(seconds.getAsDouble(),
                        joules.getAsDouble()), false, controller, run);
            }
            times.mark();
        }
        if (tally.batches == 0) {
            throw new IllegalStateException("epoch " + epoch + ": the training set yielded no batch, so nothing was "
                    + "trained; pass a dataset with samples");
        }
        if (tally.skipped == tally.batches) {
            throw new IllegalStateException("epoch " + epoch + ": all " + tally.batches + " batches were skipped "
                    + "(empty, or with NaN or infinite inputs or losses: see the warnings above), so nothing was "
                    + "trained; check the data for NaN or infinite values");
        }
        BatchResult flush = run.finishEpoch(trainer);
        if (flush != null) {
            tally.addFlush(flush);
            times.endBatch(); // the flush's phases, recorded as one more entry
        }
        double trainSeconds = seconds.getAsDouble();
        double trainJoules = meter.isPresent() ? joules.getAsDouble() : Double.NaN;
        long validationStart = System.nanoTime();
        double[] validation = validationSet == null ? new double[] {Double.NaN, Double.NaN, 0}
                : Validation.evaluate(trainer, validationSet, perSampleLoss);
        if (validation[2] > 0) {
            LOG.warn("Epoch {}: {} validation rows have NaN or infinite inputs; they are left out of the validation "
                    + "figures", epoch, (long) validation[2]);
        }
        double validationSeconds = (System.nanoTime() - validationStart) / 1e9;
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        return new EpochStats(epoch, epochs, run.phase(), Validation.ratio(tally.lossSum, tally.evaluated),
                Validation.ratio(tally.correct, tally.evaluated), validation[0], validation[1], Validation.ratio(tally.trained, tally.scored),
                Validation.ratio(tally.gateActive, tally.scored), config.selection().targetRate(epoch, epochs,
                        config.targetRate()), policy.threshold(), tally.preparation == null ? tally.energies
                        : EnergyAccount.sum(tally.energies, energy.pricePreparation(tally.preparation)), trainJoules,
                tally.batches,
                tally.fallbacks, tally.skipped, trainSeconds, validationSeconds, tally.scored, tally.forwarded,
                tally.backPropagated, tally.maxWeight, tally.scoredBatches, (long) validation[2]);
    }

    /**
     * Starts an epoch of a custom loop (one that calls {@link #trainBatch} itself instead of {@code fit}): whether
     * its scores are fresh (with {@code ast.selection=stale}) and, on the first call, the run's history. Randomness
     * stays the loop's own: nothing is reseeded. AST's own draws (gates, exploration, sampling policies) come from
     * the run's generator, started from {@code ast.seed}; a loop that restarts its randomness, to resume exactly,
     * restarts AST's with {@link #reseed}. The epoch's batch positions restart at 0: with {@code ast.scoreEvery=k}
     * the batches at positions 0, k, 2k, ... of each epoch are scored afresh.
     *
     * @param trainer the DJL trainer
     * @param trainingSet the training data, whose size a history needs
     * @param epoch 1-based epoch
     * @return what the policy's preparation cost on the run's first call (RHO-LOSS's reference model), for the
     *     loop to count; {@link PreparationWork#NONE} otherwise
     * @throws IOException if the policy's preparation cannot read the data
     * @throws TranslateException if it cannot batch the data
     */
    public PreparationWork startEpoch(Trainer trainer, Dataset trainingSet, int epoch) throws IOException,
            TranslateException {
        boolean opened = customRun == null || customTrainer != trainer;
        customRun(trainer, historySize(trainingSet)).startEpoch(epoch, SelectionConfig.Phase.SPARSE, 0);
        policy.startEpoch(epoch, -1);
        return opened ? policy.prepare(trainingSet) : PreparationWork.NONE;
    }

    /**
     * Runs one step on a batch and the optimiser step, like {@code EasyTrain.trainBatch} followed by
     * {@code trainer.step()}, for custom loops: on the rows the policy selects (pooled with
     * {@code ast.backwardBatch}: the steps the queue completes). Empty batches and batches with non-finite losses or
     * scores are skipped (no step, no policy update) and logged. Without {@link #startEpoch}, a custom loop runs as
     * one epoch of fresh scores.
     *
     * @param trainer the DJL trainer
     * @param batch the batch; the caller closes it
     * @return what the step did
     */
    public BatchResult trainBatch(Trainer trainer, Batch batch) {
        if ((customRun == null || customTrainer != trainer) && keepsHistory()) {
            throw new ConfigurationException(historySetting() + " keeps a score history the size of the training "
                    + "set: call startEpoch(trainer, trainingSet, epoch) before the first trainBatch");
        }
        return trainOne(trainer, customRun(trainer, -1), batch);
    }

    /**
     * Ends an epoch of a custom loop: trains the rows still queued for a pooled step, so that nothing selected is
     * dropped.
     *
     * @param trainer the DJL trainer
     * @return what the final step did, or null when nothing was queued
     */
    public BatchResult finishEpoch(Trainer trainer) {
        return customRun == null || customTrainer != trainer ? null : customRun.finishEpoch(trainer);
    }

    /** Whether scores come from a history on some batches: history or stale selection, or scoring every k-th. */
    private boolean keepsHistory() {
        return config.selection().mode() != SelectionConfig.Mode.FRESH || config.scoring().needsHistory();
    }

    /** The setting that makes the run keep a history, for messages. */
    private String historySetting() {
        return config.selection().mode() != SelectionConfig.Mode.FRESH
                ? "ast.selection=" + config.selection().mode().label()
                : "ast.scoreEvery=" + config.scoring().every();
    }

    /** The custom loop's run, opened for this trainer (a new trainer starts a new run). */
    private TrainingRun customRun(Trainer trainer, long historySize) {
        if (customRun == null || customTrainer != trainer) {
            closeCustomRun();
            customRun = new TrainingRun(config, policy, energy, perSampleLoss, trainer, historySize, times, nanos);
            customTrainer = trainer;
        }
        return customRun;
    }

    private void closeCustomRun() {
        if (customRun != null) {
            customRun.close();
            customRun = null;
            customTrainer = null;
        }
    }

    private BatchResult trainOne(Trainer trainer, TrainingRun run, Batch batch) {
        if (batch.getSize() == 0) {
            LOG.warn("Skipped an empty batch (size 0)");
            run.passOver();
            return BatchResult.skipped(0, policy.threshold());
        }
        Validation.requireModelInputShape(trainer, batch.getData());
        if (!energy.isAttached()) {
            energy.attach(trainer.getModel().getBlock(), batch.getData().head().getShape().slice(1));
        }
        return run.trainBatch(trainer, batch);
    }
}
