package io.github.ast.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.core.history.ScoreHistory;
import io.github.ast.core.optim.ResumableOptimizer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a DJL {@link Trainer} on the samples that still teach the model something, one batch at a time.
 *
 * <p>Per batch: a gradient-free forward pass over the whole batch (or, with {@code ast.selection=history}, the
 * outputs last seen for each sample, with no forward pass), per-sample losses, the scorer, the gate at the
 * controller's threshold, optional exploration below it (with optional 1/p reweighting), a random fallback of
 * {@code minActive} samples when fewer activate, forward and backward on the selected rows only, the optimiser step,
 * the controller update and the energy account. Warm-up and annealing epochs train on every sample without scoring.
 * Everything per sample happens on the engine; the host reads a handful of counts per batch.
 *
 * <p>The entry point mirrors {@code EasyTrain.fit(trainer, epochs, train, validation)}, and the trainer's
 * {@code TrainingListener}s receive the same callbacks as under {@code EasyTrain}: {@code onTrainingBatch} with the
 * scoring pass's predictions for the whole batch, {@code onValidationBatch} and {@code onEpoch}. One instance is
 * one run: the controller and the fallback generator carry state from batch to batch.
 */
public final class AdaptiveSparseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveSparseTrainer.class);
    /** Engines whose trainer keeps its own copy of the weights, so restoring them in place after it exists fails. */
    private static final Set<String> ENGINES_WITH_TRAINER_COPIES = Set.of("MXNet");

    private final AstConfig config;
    private final Scorer scorer;
    private final Gate gate;
    private final Controller controller;
    private final EnergyAccount energy;
    private final PerSampleLoss perSampleLoss;
    private final SelectionConfig selection;
    private final Random fallbackRandom;
    private SelectionConfig.Phase phase = SelectionConfig.Phase.SPARSE;
    private ScoreHistory history;
    private NDManager historyManager;
    private long historySize;
    /** The size of the current epoch's first batch: the run's batch size, recorded in checkpoints. */
    private int batchSize;
    /** After a resume, the batch size the checkpoint was written with, checked against the first batch; else 0. */
    private int resumedBatchSize;

    /**
     * Creates a trainer from its parts, normally through {@link AstModule}.
     *
     * @param config the configuration (target rate, fallback size, seed, engine)
     * @param scorer the scorer
     * @param gate the gate
     * @param controller the controller
     * @param energy the energy models, primary first
     * @param perSampleLoss the unreduced loss used for scoring
     */
    @Inject
    public AdaptiveSparseTrainer(AstConfig config, Scorer scorer, Gate gate, Controller controller,
            EnergyAccount energy, PerSampleLoss perSampleLoss) {
        this.config = config;
        this.scorer = scorer;
        this.gate = gate;
        this.controller = controller;
        this.energy = energy;
        this.perSampleLoss = perSampleLoss;
        this.selection = config.selection();
        this.fallbackRandom = new Random(config.seed());
    }

    /** Returns the configuration. */
    public AstConfig config() {
        return config;
    }

    /** Returns the scorer. */
    public Scorer scorer() {
        return scorer;
    }

    /** Returns the gate. */
    public Gate gate() {
        return gate;
    }

    /** Returns the controller, for inspecting its state. */
    public Controller controller() {
        return controller;
    }

    /** Returns the primary energy model. */
    public EnergyModel energyModel() {
        return energy.primaryModel();
    }

    /** Returns every energy model the run prices with, primary first. */
    public EnergyAccount energyAccount() {
        return energy;
    }

    /**
     * Trains for a number of epochs, validating after each, like {@code EasyTrain.fit}.
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
        return fit(trainer, epochs, trainingSet, validationSet, TrainingObserver.NONE);
    }

    /**
     * Trains like {@link #fit(Trainer, int, Dataset, Dataset)} and reports every batch and epoch to an observer as
     * they end, for live output and traces.
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
     *     directory holds checkpoints and resume is off, or if the batch cadence is not a multiple of
     *     {@code ast.reseedEvery}
     * @throws IllegalArgumentException if the checkpoint's optimiser state does not fit the optimiser or the model
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer, Checkpointing checkpointing) throws IOException, TranslateException {
        if (epochs < 1) {
            throw new ConfigurationException("epochs=" + epochs + " must be >= 1");
        }
        Engine engine = trainer.getManager().getEngine();
        if (!config.engine().isEmpty() && !config.engine().equalsIgnoreCase(engine.getEngineName())) {
            throw new ConfigurationException("ast.engine=" + config.engine() + " but the trainer's model runs on "
                    + engine.getEngineName() + "; create the model with Model.newInstance(name, \"" + config.engine()
                    + "\") or change ast.engine (available engines: " + Engine.getAllEngines() + ")");
        }
        if (selection.mode() == SelectionConfig.Mode.HISTORY) {
            if (!(trainingSet instanceof RandomAccessDataset randomAccess)) {
                throw new ConfigurationException("ast.selection=history needs a RandomAccessDataset (ArrayDataset ...)"
                        + " whose batches carry dataset indices; got " + trainingSet.getClass().getName());
            }
            historySize = randomAccess.size();
            historyManager = trainer.getManager().newSubManager();
        }
        if (!Double.isNaN(selection.targetStart()) && !gate.usesThreshold()) {
            throw new ConfigurationException("ast.targetStart schedules the controller's target, but gate '"
                    + config.gate() + "' keeps a fixed rate and ignores the threshold; use threshold or probabilistic");
        }
        if (checkpointing != null && checkpointing.everyBatches() % config.reseedEvery() != 0) {
            throw new ConfigurationException("checkpoint every " + checkpointing.everyBatches() + " batches is not a "
                    + "multiple of ast.reseedEvery=" + config.reseedEvery() + ": randomness restarts from seeds only "
                    + "at multiples of it, so a resume from such a checkpoint could not continue as the uninterrupted "
                    + "run does; checkpoint every multiple of " + config.reseedEvery() + " batches, or set "
                    + "ast.reseedEvery to a divisor of " + checkpointing.everyBatches());
        }
        batchSize = 0;
        resumedBatchSize = 0;
        List<EpochStats> epochStats = new ArrayList<>();
        Checkpoints checkpoints = checkpointing == null ? null : new Checkpoints(new CheckpointStore(
                checkpointing.directory(), checkpointing.keep()), checkpointing, epochStats,
                trainingSet instanceof RandomAccessDataset r ? r.size() : -1);
        if (checkpoints != null && !checkpointing.resume() && checkpoints.store().hasCheckpoints()) {
            throw new ConfigurationException("checkpoint directory " + checkpointing.directory() + " holds another "
                    + "run's checkpoints and resume is off; resume from them or choose an empty directory");
        }
        Optional<EnergyMeter> meter = Optional.empty();
        try {
            CheckpointStore.State resumed = checkpoints != null && checkpointing.resume()
                    ? resume(trainer, checkpoints, epochs) : null;
            EpochTally partial = resumed == null ? null : resumed.partial();
            meter = EnergyMeters.open(config.meter(), config.contextFor("meter", Map.of()).settings());
            int first = resumed == null ? 1 : resumed.stoppedEarly() ? epochs + 1 : resumed.epoch() + 1;
            for (int epoch = first; epoch <= epochs; epoch++) {
                long epochSeed = config.seed() * 1_000_003L + epoch;
                restartRandomness(engine, (int) epochSeed, epochSeed);
                phase = selection.phase(epoch, epochs);
                if (phase == SelectionConfig.Phase.SPARSE && !Double.isNaN(selection.targetStart())) {
                    controller.retarget(selection.targetRate(epoch, epochs, config.targetRate()));
                }
                EpochStats stats = runEpoch(trainer, epoch, epochs, partial == null ? new EpochTally() : partial,
                        trainingSet, validationSet, meter, observer, checkpoints);
                partial = null;
                epochStats.add(stats);
                LOG.info(stats.line());
                observer.onEpoch(stats);
                boolean last = epoch == epochs || !observer.continueTraining(stats);
                if (checkpoints != null && (last || epoch % checkpointing.everyEpochs() == 0)) {
                    writeCheckpoint(trainer, checkpoints, epoch, epochs, null, last && epoch < epochs);
                }
                if (last) {
                    break;
                }
            }
        } finally {
            meter.ifPresent(EnergyMeter::close);
            phase = SelectionConfig.Phase.SPARSE;
            if (history != null) {
                history.close();
                history = null;
            }
            if (historyManager != null) {
                historyManager.close();
                historyManager = null;
            }
        }
        return new RunReport(config, Provenance.of(engine), energy.units(),
                meter.map(EnergyMeter::description).orElse("none"), meter.map(EnergyMeter::isEstimate).orElse(false),
                epochStats);
    }

    /**
     * Restarts the engine's generator (DJL's sampler included) and the fallback's from seeds, at every epoch and
     * every {@code ast.reseedEvery} batches, so that a run resumed at a checkpoint draws what an uninterrupted one
     * does: engines offer no way to save their generator's state.
     */
    private void restartRandomness(Engine engine, int engineSeed, long fallbackSeed) {
        engine.setRandomSeed(engineSeed);
        fallbackRandom.setSeed(fallbackSeed);
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

    /** A non-negative int for {@code Engine.setRandomSeed}, which engines pass on to 32-bit generators. */
    private static int engineSeed(long derived) {
        return (int) (derived >>> 33);
    }

    /** Restores the latest checkpoint, if any, and returns its state (null without one). */
    private CheckpointStore.State resume(Trainer trainer, Checkpoints checkpoints, int epochs) throws IOException {
        Optional<Path> latest = checkpoints.store().latest();
        if (latest.isEmpty()) {
            return null;
        }
        CheckpointStore.State state = CheckpointStore.readState(latest.get());
        CheckpointStore.requireCompatible(latest.get(), state.config(), config.toProperties());
        String engineName = trainer.getManager().getEngine().getEngineName();
        if (!engineName.equals(state.provenance().engine())) {
            throw new ConfigurationException("checkpoint " + latest.get() + " was written on " + state.provenance()
                    .engine() + "; this run uses " + engineName + ", whose parameters and randomness differ");
        }
        if (state.trainingSize() != checkpoints.trainingSize()) {
            throw new ConfigurationException("checkpoint " + latest.get() + " was written for a training set of "
                    + state.trainingSize() + " samples but this one has " + checkpoints.trainingSize()
                    + " (-1: unknown); resuming needs the same data");
        }
        requireResumableEpochs(latest.get(), state, epochs);
        Provenance now = Provenance.of(trainer.getManager().getEngine());
        if (!now.djlVersion().equals(state.provenance().djlVersion())
                || !now.engineVersion().equals(state.provenance().engineVersion())) {
            LOG.warn("Checkpoint {} was written with DJL {} and {} {}; this run uses DJL {} and {} {}: results may "
                    + "differ from an uninterrupted run", latest.get(), state.provenance().djlVersion(), engineName,
                    state.provenance().engineVersion(), now.djlVersion(), engineName, now.engineVersion());
        }
        Block block = trainer.getModel().getBlock();
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            NDList saved = CheckpointStore.readParameters(latest.get(), block, scratch);
            if (!CheckpointStore.holds(block, saved)) {
                if (ENGINES_WITH_TRAINER_COPIES.contains(engineName)) {
                    throw new ConfigurationException("the model does not hold the parameters of checkpoint "
                            + latest.get() + ", and on " + engineName + " they cannot be restored once the trainer "
                            + "exists: its trainer copies the weights at trainer.initialize() and pulls that copy "
                            + "back at every step. Call checkpointing.restoreParameters(model, inputShapes) before "
                            + "model.newTrainer(...)");
                }
                CheckpointStore.copyInto(block, saved);
            }
            ResumableOptimizer optimizer = checkpoints.settings().optimizer();
            Optional<NDList> optimizerState = CheckpointStore.loadOptimizer(latest.get(), scratch);
            if (optimizer != null && optimizerState.isPresent()) {
                optimizer.importState(block.getParameters(), optimizerState.get());
            } else if (optimizer != null) {
                LOG.warn("Checkpoint {} holds no optimiser state: the optimiser starts afresh", latest.get());
            } else if (optimizerState.isPresent()) {
                LOG.warn("Checkpoint {} holds optimiser state but no ResumableOptimizer was given "
                        + "(Checkpointing.withOptimizer): the optimiser starts afresh", latest.get());
            }
            if (historyManager != null) {
                Optional<NDList> savedHistory = CheckpointStore.loadHistory(latest.get(), scratch);
                if (savedHistory.isPresent()) {
                    history = ScoreHistory.restore(historyManager, savedHistory.get());
                }
            }
        }
        controller.restore(state.controller());
        checkpoints.completed().addAll(state.history());
        resumedBatchSize = state.batchSize();
        if (state.stoppedEarly()) {
            LOG.info("Checkpoint {} ends a run that stopped early after epoch {} (its observer said so): nothing "
                    + "left to train", latest.get(), state.epoch());
        } else {
            LOG.info("Resumed from {}: after epoch {}{}", latest.get(), state.epoch(), state.partial() == null ? ""
                    : " and " + state.partial().batches + " batches of epoch " + (state.epoch() + 1));
        }
        return state;
    }

    /**
     * Checks that a run of {@code epochs} can continue a checkpoint: not one that has trained more epochs already,
     * and, while annealing or a target schedule depends on the total, not one started for another total. A longer
     * run otherwise extends the checkpointed one.
     */
    private void requireResumableEpochs(Path checkpoint, CheckpointStore.State state, int epochs) {
        int reached = state.epoch() + (state.partial() == null ? 0 : 1);
        if (reached > epochs) {
            throw new ConfigurationException("checkpoint " + checkpoint + " was written in epoch " + reached
                    + " of a run of " + state.epochs() + " epochs; this run asks for " + epochs + ", fewer than it has"
                    + " trained: resume with epochs >= " + reached + " or choose another directory");
        }
        boolean scheduled = selection.annealEpochs() > 0 || !Double.isNaN(selection.targetStart());
        if (epochs != state.epochs() && scheduled) {
            throw new ConfigurationException("checkpoint " + checkpoint + " was written by a run of " + state.epochs()
                    + " epochs; this run asks for " + epochs + ", and ast.annealEpochs / ast.targetStart schedule "
                    + "the epochs by that total: resume with epochs=" + state.epochs());
        }
        if (epochs != state.epochs()) {
            LOG.info("Checkpoint {} was written by a run of {} epochs; this run continues it to {}", checkpoint,
                    state.epochs(), epochs);
        }
    }

    /**
     * Records the size of an epoch's first batch as the run's batch size and, after a resume, checks it against the
     * checkpoint's: the batch position and the random streams count batches, so another size would train other
     * samples than the uninterrupted run.
     */
    private void firstBatchOfEpoch(int size) {
        if (resumedBatchSize > 0 && size != resumedBatchSize) {
            throw new ConfigurationException("the checkpoint was written by a run whose batches hold "
                    + resumedBatchSize + " samples but this run's first batch holds " + size
                    + "; resuming needs the same batch size");
        }
        resumedBatchSize = 0;
        batchSize = size;
    }

    /**
     * A run's checkpointing: where, how often, the epochs completed so far, and what a checkpoint checks on resume.
     *
     * @param trainingSize the training set's size, -1 if the dataset does not tell
     */
    private record Checkpoints(CheckpointStore store, Checkpointing settings, List<EpochStats> completed,
            long trainingSize) {

        int everyBatches() {
            return settings.everyBatches();
        }
    }

    private void writeCheckpoint(Trainer trainer, Checkpoints checkpoints, int epoch, int epochs, EpochTally partial,
            boolean stoppedEarly) throws IOException {
        Block block = trainer.getModel().getBlock();
        ResumableOptimizer optimizer = checkpoints.settings().optimizer();
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            checkpoints.store().save(new CheckpointStore.State(config.toProperties(),
                    Provenance.of(trainer.getManager().getEngine()), epoch, epochs, controller.state(),
                    checkpoints.completed(), partial, batchSize, checkpoints.trainingSize(), stoppedEarly), block,
                    Optional.ofNullable(history).map(h -> h.export(scratch)),
                    Optional.ofNullable(optimizer).map(o -> o.exportState(block.getParameters(), scratch)));
        }
    }

    private EpochStats runEpoch(Trainer trainer, int epoch, int epochs, EpochTally tally, Dataset trainingSet,
            Dataset validationSet, Optional<EnergyMeter> meter, TrainingObserver observer, Checkpoints checkpoints)
            throws IOException, TranslateException {
        Iterator<Batch> batches = trainer.iterateDataset(trainingSet).iterator();
        for (int passed = 0; passed < tally.batches; passed++) {
            // Trained before the checkpoint this run resumed from: drawn from the same shuffle, then dropped.
            if (!batches.hasNext()) {
                throw new ConfigurationException("the checkpoint was written after batch " + tally.batches
                        + " of epoch " + epoch + " but the training set now has only " + passed + " batches");
            }
            try (Batch passedOver = batches.next()) {
                if (passed == 0) {
                    firstBatchOfEpoch(passedOver.getSize());
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
        while (batches.hasNext()) {
            try (Batch batch = batches.next()) {
                if (firstDrawn) {
                    firstBatchOfEpoch(batch.getSize());
                    firstDrawn = false;
                }
                if (tally.batches > 0 && tally.batches % config.reseedEvery() == 0) {
                    long seed = derivedSeed(config.seed(), epoch, tally.batches);
                    restartRandomness(trainer.getManager().getEngine(), engineSeed(seed), seed);
                }
                BatchResult result = trainBatch(trainer, batch);
                observer.onBatch(epoch, result);
                tally.add(result);
            }
            if (everyBatches > 0 && tally.batches % everyBatches == 0 && batches.hasNext()) {
                writeCheckpoint(trainer, checkpoints, epoch - 1, epochs,
                        tally.snapshot(seconds.getAsDouble(), joules.getAsDouble()), false);
            }
        }
        double trainSeconds = seconds.getAsDouble();
        double trainJoules = meter.isPresent() ? joules.getAsDouble() : Double.NaN;
        long validationStart = System.nanoTime();
        double[] validation = validationSet == null ? new double[] {Double.NaN, Double.NaN}
                : evaluate(trainer, validationSet);
        double validationSeconds = (System.nanoTime() - validationStart) / 1e9;
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        return new EpochStats(epoch, epochs, phase, ratio(tally.lossSum, tally.evaluated),
                ratio(tally.correct, tally.evaluated), validation[0], validation[1], ratio(tally.trained, tally.scored),
                ratio(tally.gateActive, tally.scored), selection.targetRate(epoch, epochs, config.targetRate()),
                controller.threshold(), tally.energies, trainJoules, tally.batches, tally.fallbacks, tally.skipped,
                trainSeconds, validationSeconds);
    }

    /**
     * Runs one step on a batch and the optimiser step, like {@code EasyTrain.trainBatch} followed by
     * {@code trainer.step()}: in warm-up and annealing epochs on every sample, otherwise on the selected samples.
     * Empty batches and batches with non-finite losses or scores are skipped (no step, no controller update) and
     * logged.
     *
     * @param trainer the DJL trainer
     * @param batch the batch; the caller closes it
     * @return what the step did
     */
    public BatchResult trainBatch(Trainer trainer, Batch batch) {
        int size = batch.getSize();
        if (size == 0) {
            LOG.warn("Skipped an empty batch (size 0)");
            return BatchResult.skipped(0, controller.threshold());
        }
        requireModelInputShape(trainer, batch.getData());
        if (!energy.isAttached()) {
            energy.attach(trainer.getModel().getBlock(), batch.getData().head().getShape().slice(1));
        }
        return phase == SelectionConfig.Phase.SPARSE ? sparseStep(trainer, batch) : fullStep(trainer, batch);
    }

    /** Trains every sample with no scoring pass: a real 100%, for warm-up and annealing. */
    private BatchResult fullStep(Trainer trainer, Batch batch) {
        int size = batch.getSize();
        NDArray all = batch.getManager().arange(0L, (long) size, 1L, DataType.INT64);
        Trained trained = train(trainer, batch, all, null);
        if (trained == null) {
            return BatchResult.skipped(size, controller.threshold());
        }
        if (selection.mode() == SelectionConfig.Mode.HISTORY) {
            recordHistory(datasetIndices(batch), all, trained);
        }
        notifyTraining(trainer, batch, batch.getLabels(), trained.predictions());
        return new BatchResult(size, 0, size, false, false, size, trained.lossSum(), trained.correct(),
                controller.threshold(), energy.price(new BatchWork(size, 0, size)));
    }

    private BatchResult sparseStep(Trainer trainer, Batch batch) {
        int size = batch.getSize();
        NDList data = batch.getData();
        NDList labels = batch.getLabels();
        boolean fresh = selection.mode() == SelectionConfig.Mode.FRESH;
        NDArray indices = fresh ? null : datasetIndices(batch);
        Scores scores = fresh ? scoringPass(trainer, data, labels) : fromHistory(batch, indices);
        NDArray significance = scorer.score(new ScoringBatch(data, labels, scores.outputs(), scores.losses()));
        NDArray gated = gate.select(significance, controller.threshold());
        NDArray explored = selection.exploration() > 0
                ? batch.getManager().randomUniform(0f, 1f, new Shape(size)).lt((float) selection.exploration())
                        .logicalAnd(gated.logicalNot())
                : null;
        NDArray observed = explored == null ? gated : gated.logicalOr(explored);
        NDArray chosen = scores.unseen() == null ? observed : observed.logicalOr(scores.unseen());

        // One host read for the selection: gate count, observed count, chosen count, the scores' sum (to catch
        // non-finite ones), and in fresh mode the scoring pass's loss sum and correct count.
        NDList toRead = new NDList(count(gated), count(observed), count(chosen),
                significance.sum().toType(DataType.FLOAT32, false));
        if (fresh) {
            toRead.add(scores.losses().sum().toType(DataType.FLOAT32, false));
            toRead.add(count(correct(scores.outputs().head(), labels)));
        }
        float[] counts = NDArrays.stack(toRead).toFloatArray();
        int gateActive = Math.round(counts[0]);
        int observedActive = Math.round(counts[1]);
        int chosenCount = Math.round(counts[2]);
        if (fresh && !Double.isFinite(counts[4])) {
            LOG.warn("Skipped a batch of {} samples: the scoring pass produced non-finite losses (sum {})", size,
                    counts[4]);
            return BatchResult.skipped(size, controller.threshold());
        }
        if (!Double.isFinite(counts[3])) {
            LOG.warn("Skipped a batch of {} samples: scorer '{}' produced non-finite scores (sum {})", size,
                    config.scorer(), counts[3]);
            return BatchResult.skipped(size, controller.threshold());
        }

        boolean fallback = chosenCount < Math.min(config.minActive(), size);
        NDArray rows = fallback ? randomRows(batch, size) : chosen.nonzero().reshape(-1);
        NDArray weights = selection.rescale() && !fallback
                ? explorationWeights(explored, selection.exploration()).get(new NDIndex("{}", rows))
                : null;
        Trained trained = train(trainer, batch, rows, weights);
        if (trained == null) {
            return BatchResult.skipped(size, controller.threshold());
        }
        if (!fresh) {
            recordHistory(indices, rows, trained);
        }

        double threshold = gate.usesThreshold() ? controller.update((double) observedActive / size)
                : controller.threshold();
        int trainedCount = Math.toIntExact(rows.size());
        Map<String, BatchEnergy> energies = energy.price(new BatchWork(size, fresh ? size : 0, trainedCount));
        if (fresh) {
            notifyTraining(trainer, batch, labels, scores.outputs());
            return new BatchResult(size, gateActive, trainedCount, fallback, false, size, counts[4],
                    Math.round(counts[5]), threshold, energies);
        }
        notifyTraining(trainer, batch, selectRows(labels, rows), trained.predictions());
        return new BatchResult(size, gateActive, trainedCount, fallback, false, trainedCount, trained.lossSum(),
                trained.correct(), threshold, energies);
    }

    /** Outputs and per-sample losses to score from; {@code unseen} marks rows that must be trained (history). */
    private record Scores(NDList outputs, NDArray losses, NDArray unseen) {}

    /**
     * Fails clearly when a batch's inputs do not have the shape the model was initialised with (batch dimension
     * aside), instead of deep in the engine's native code.
     */
    private static void requireModelInputShape(Trainer trainer, NDList data) {
        Shape[] expected = trainer.getModel().getBlock().getInputShapes();
        if (expected.length != data.size()) {
            throw new IllegalArgumentException("the batch has " + data.size() + " input arrays but the model takes "
                    + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            Shape actual = data.get(i).getShape();
            if (actual.dimension() != expected[i].dimension()
                    || !actual.slice(1).equals(expected[i].slice(1))) {
                throw new IllegalArgumentException("input " + i + " has shape " + actual + " but the model was "
                        + "initialised for (batch" + (expected[i].dimension() > 1 ? ", " : "")
                        + expected[i].slice(1).toString().replaceAll("[()]", "") + ")");
            }
        }
    }

    private Scores scoringPass(Trainer trainer, NDList data, NDList labels) {
        NDList predictions = evaluateAcrossDevices(trainer, data);
        perSampleLoss.validate(labels, predictions);
        return new Scores(predictions, perSampleLoss.compute(labels, predictions), null);
    }

    /**
     * The gradient-free forward of the whole logical batch: with several devices each scores a balanced share and
     * the outputs are gathered on the first, so scoring, gating and the controller see the whole batch.
     */
    private static NDList evaluateAcrossDevices(Trainer trainer, NDList data) {
        Device[] devices = trainer.getDevices();
        if (devices.length == 1) {
            return trainer.evaluate(data);
        }
        List<long[]> ranges = Shares.balanced(data.head().getShape().get(0), devices.length);
        List<NDList> outputs = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            String slice = ranges.get(i)[0] + ":" + ranges.get(i)[1];
            NDList share = new NDList();
            data.forEach(array -> share.add(array.get(slice)));
            outputs.add(trainer.evaluate(toDevice(share, devices[i])));
        }
        return gather(outputs, devices[0]);
    }

    private Scores fromHistory(Batch batch, NDArray indices) {
        if (history == null) {
            // Nothing trained yet: every sample is unseen and trains; scores are placeholders.
            int size = batch.getSize();
            NDManager manager = batch.getManager();
            return new Scores(new NDList(manager.zeros(new Shape(size, 1))), manager.zeros(new Shape(size)),
                    manager.ones(new Shape(size), DataType.BOOLEAN));
        }
        ScoreHistory.Rows rows = history.gather(indices);
        return new Scores(new NDList(rows.outputs()), rows.losses(), rows.unseen());
    }

    /**
     * Returns InfoBatch's weights: 1 for samples the gate (or history) chose, {@code 1 / p} for samples kept by
     * exploration with probability {@code p}, so that each sample's expected weight is 1.
     *
     * @param explored boolean mask of explored samples, shape (batch)
     * @param probability the exploration probability, in (0, 1)
     * @return float32 weights, shape (batch)
     */
    static NDArray explorationWeights(NDArray explored, double probability) {
        return explored.toType(DataType.FLOAT32, false).mul((float) (1 / probability - 1)).add(1f);
    }

    /**
     * Returns {@code sum(w * loss) / batchSize}: with {@link #explorationWeights}, an unbiased estimate of the full
     * batch's mean loss, and so of its gradient.
     *
     * @param perSample the trained samples' losses
     * @param weights their weights
     * @param batchSize the full batch's size
     * @return the scalar loss
     */
    static NDArray rescaledLoss(NDArray perSample, NDArray weights, int batchSize) {
        return perSample.mul(weights).sum().div((float) batchSize);
    }

    /** What a training forward produced, read back once: for statistics and the history. */
    private record Trained(NDList predictions, NDArray perSampleLosses, double lossSum, long correct) {}

    /**
     * Forward and backward on some rows of a batch, then the optimiser step. With weights, the loss is
     * {@code sum(w * loss) / batchSize} (unbiased for the full batch's mean); without, the trainer's own loss.
     *
     * @return the training outputs, or null when the losses were not finite and the step was skipped
     */
    private Trained train(Trainer trainer, Batch batch, NDArray rows, NDArray weights) {
        int size = batch.getSize();
        Device[] devices = trainer.getDevices();
        List<long[]> ranges = Shares.balanced(rows.size(), config.splits() > 0 ? config.splits() : devices.length);
        boolean check = selection.mode() != SelectionConfig.Mode.FRESH || phase != SelectionConfig.Phase.SPARSE;
        Trained trained;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            List<NDList> shareLabels = new ArrayList<>();
            List<NDList> sharePredictions = new ArrayList<>();
            List<NDArray> sharePerSample = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) {
                // Balanced contiguous shares of the selected rows, one per device in turn.
                NDArray share = rows.get(ranges.get(i)[0] + ":" + ranges.get(i)[1]);
                Device device = devices[i % devices.length];
                NDList data = toDevice(selectRows(batch.getData(), share), device);
                NDList labels = toDevice(selectRows(batch.getLabels(), share), device);
                NDList predictions = trainer.forward(data, labels);
                if (check) {
                    perSampleLoss.validate(labels, predictions); // no scoring pass checked these labels
                }
                shareLabels.add(labels);
                sharePredictions.add(predictions);
                sharePerSample.add(perSampleLoss.compute(labels, predictions));
            }
            NDList predictions = gather(sharePredictions, devices[0]);
            NDArray perSample = concat(sharePerSample, devices[0]);
            NDList labels = gather(shareLabels, devices[0]);
            float[] read = NDArrays.stack(new NDList(perSample.sum().toType(DataType.FLOAT32, false),
                    count(correct(predictions.head(), labels)))).toFloatArray();
            if (!Double.isFinite(read[0])) {
                LOG.warn("Skipped a batch of {} samples: the training forward produced non-finite losses (sum {})",
                        size, read[0]);
                return null;
            }
            // One backward per device over the sum of its shares' losses: engines that overwrite gradients on each
            // backward (MXNet) would otherwise keep only the last share's.
            Map<Device, NDArray> lossByDevice = new LinkedHashMap<>();
            for (int i = 0; i < ranges.size(); i++) {
                Device device = devices[i % devices.length];
                NDArray loss;
                if (weights != null) {
                    NDArray shareWeights = weights.get(ranges.get(i)[0] + ":" + ranges.get(i)[1])
                            .toDevice(device, false);
                    loss = rescaledLoss(sharePerSample.get(i), shareWeights, size);
                } else {
                    loss = trainer.getLoss().evaluate(shareLabels.get(i), sharePredictions.get(i));
                    if (ranges.size() > 1) {
                        // Share gradients add up: weigh each share's mean by its size.
                        long shareSize = ranges.get(i)[1] - ranges.get(i)[0];
                        loss = loss.mul((float) shareSize / rows.size());
                    }
                }
                lossByDevice.merge(device, loss, NDArray::add);
            }
            lossByDevice.values().forEach(collector::backward);
            trained = new Trained(predictions, perSample, read[0], Math.round(read[1]));
        }
        trainer.step();
        return trained;
    }

    private static NDList toDevice(NDList arrays, Device device) {
        return arrays.head().getDevice().equals(device) ? arrays : arrays.toDevice(device, false);
    }

    private static NDList gather(List<NDList> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList heads = new NDList();
        shares.forEach(share -> heads.add(share.head()));
        return new NDList(concat(heads, device));
    }

    private static NDArray concat(List<NDArray> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList onDevice = new NDList();
        shares.forEach(share -> onDevice.add(share.toDevice(device, false)));
        return NDArrays.concat(onDevice);
    }

    /**
     * Records the trained rows' outputs in the score history.
     *
     * @param indices the batch's dataset indices, from {@link #datasetIndices}
     * @param rows the trained rows of the batch
     * @param trained what their training forward produced
     */
    private void recordHistory(NDArray indices, NDArray rows, Trained trained) {
        NDArray outputs = trained.predictions().head().stopGradient();
        if (history == null) {
            history = ScoreHistory.create(historyManager, historySize, Math.toIntExact(outputs.getShape().get(1)));
        }
        history.update(indices.get(new NDIndex("{}", rows)), outputs, trained.perSampleLosses().stopGradient());
    }

    /**
     * Returns the dataset indices DJL attaches to a batch, as int64 on the batch's manager. DJL hands them over as a
     * Java list, so this is the one per-sample host loop, over longs only.
     */
    private NDArray datasetIndices(Batch batch) {
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            throw new ConfigurationException("ast.selection=history needs batches that carry their dataset indices, "
                    + "as a RandomAccessDataset's (ArrayDataset ...) do; this batch has " + (indices == null ? "none"
                            : indices.size() + " for " + batch.getSize() + " samples"));
        }
        long[] values = new long[indices.size()];
        for (int i = 0; i < values.length; i++) {
            long index = ((Number) indices.get(i)).longValue();
            if (index < 0 || index >= historySize) {
                throw new IllegalStateException("dataset index " + index + " is outside [0, " + historySize
                        + "), the training set's size");
            }
            values[i] = index;
        }
        return batch.getManager().create(values);
    }

    private static void notifyTraining(Trainer trainer, Batch batch, NDList labels, NDList predictions) {
        Device device = labels.head().getDevice();
        BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
    }

    private static NDArray correct(NDArray predictions, NDList labels) {
        return predictions.argMax(1).toType(DataType.INT64, false).eq(labels.head().toType(DataType.INT64, false));
    }

    private static NDArray count(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).sum();
    }

    private NDArray randomRows(Batch batch, int size) {
        int count = Math.min(config.minActive(), size);
        long[] rows = fallbackRandom.ints(0, size).distinct().limit(count).asLongStream().sorted().toArray();
        return batch.getManager().create(rows);
    }

    private static NDList selectRows(NDList arrays, NDArray rows) {
        NDList selected = new NDList(arrays.size());
        for (NDArray array : arrays) {
            selected.add(array.get(new NDIndex("{}", rows)));
        }
        return selected;
    }

    /**
     * Evaluates the model on a dataset, firing {@code onValidationBatch} like {@code EasyTrain.validateBatch}.
     *
     * @return mean per-sample loss and accuracy
     */
    private double[] evaluate(Trainer trainer, Dataset dataset) throws IOException, TranslateException {
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(dataset)) {
            try (batch) {
                if (batch.getSize() == 0) {
                    continue;
                }
                // The same checks as training batches: bad validation data fails clearly, not in native code.
                requireModelInputShape(trainer, batch.getData());
                NDList labels = batch.getLabels();
                NDList predictions = trainer.evaluate(batch.getData());
                perSampleLoss.validate(labels, predictions);
                float[] counts = NDArrays.stack(new NDList(
                        perSampleLoss.compute(labels, predictions).sum().toType(DataType.FLOAT32, false),
                        count(correct(predictions.head(), labels)))).toFloatArray();
                lossSum += counts[0];
                correct += Math.round(counts[1]);
                total += batch.getSize();
                Device device = labels.head().getDevice();
                BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
                trainer.notifyListeners(listener -> listener.onValidationBatch(trainer, batchData));
            }
        }
        return new double[] {ratio(lossSum, total), ratio(correct, total)};
    }

    private static double ratio(double numerator, long denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
