package io.github.ast.core;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.djl.sampling.SampleWeights;
import io.github.ast.djl.schedule.TrainingClock;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Trains a DJL {@link Trainer} on the samples that still teach the model something, one batch at a time.
 *
 * <p>The entry point mirrors {@code EasyTrain.fit(trainer, epochs, train, validation)}: an epoch loop that restarts
 * randomness on a fixed grid, runs each batch through the run's stages ({@link TrainingRun}: the sampler's weights,
 * scores, the selection policy, backward batches, the weighted step, the history), validates, and checkpoints
 * ({@link FitRun}). Which samples an epoch visits is the training set's sampler's choice (RS2, InfoBatch, a Spark
 * selection: DJL {@code Sampler}s); which rows of a batch train is the policy's.
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

    private final AstConfig config;
    private final Scorer scorer;
    private final Gate gate;
    private final Controller controller;
    private final EnergyAccount energy;
    private final PerSampleLoss perSampleLoss;
    private final SelectionPolicy policy;
    /** The run's own random numbers, re-seeded with the engine's generator. */
    private final RunRandom random;
    private final CustomLoop customLoop = new CustomLoop(this);
    /** Where the profile command records each phase's time; off otherwise. */
    private PhaseTimes times = PhaseTimes.OFF;
    /** What a batch's time is measured on: the machine's clock, or a training clock supplied as a service. */
    private LongSupplier nanos = System::nanoTime;
    /** The training set's sampler's weights, applied to every step; null when it gives none. */
    private SamplerWeights sampled;

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
        customLoop.close(); // a custom run keeps the recorder it was opened with
        this.times = recorder == null ? PhaseTimes.OFF : recorder;
    }

    /** Measures batch times ({@link SelectionPolicy#batchTime}) on a training clock, which pauses for evaluations. */
    void measureBatchesOn(TrainingClock clock) {
        nanos = clock::nanos;
    }

    /** Weighs every step's loss by the training set's sampler's weights and hands it the trained rows' losses. */
    void weighBy(SampleWeights sampler) {
        sampled = new SamplerWeights(sampler);
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
        Validation.requireFittable(config, gate, policy, trainer, epochs, trainingSet, validationSet, checkpointing);
        customLoop.close(); // the policy restarts with fit's run
        try (FitRun run = new FitRun(this, trainer, epochs, trainingSet, observer, checkpointing)) {
            for (int epoch = run.firstEpoch(); epoch <= epochs; epoch++) {
                Iterator<Batch> batches = run.startEpoch(epoch, trainingSet); // randomness, phase, resumed batches
                while (batches.hasNext()) {
                    try (Batch batch = batches.next()) {
                        BatchResult result = run.pipeline().train(trainer, batch); // scores, selection, steps
                        if (!run.afterBatch(batch, result)) { // observers, accounting, checkpoints
                            return run.stopWithinEpoch();
                        }
                    }
                }
                if (!run.finishEpoch(validationSet)) { // queued rows, validation, figures, checkpoint
                    break;
                }
            }
            return run.report();
        }
    }

    /** Opens a run's batch pipeline on a trainer. */
    TrainingRun openPipeline(Trainer trainer, long historySize) {
        return new TrainingRun(config, policy, energy, perSampleLoss, trainer, historySize, times, nanos, sampled);
    }

    PerSampleLoss perSampleLoss() {
        return perSampleLoss;
    }

    PhaseTimes times() {
        return times;
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
        return customLoop.startEpoch(trainer, trainingSet, epoch);
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
        return customLoop.trainBatch(trainer, batch);
    }

    /**
     * Ends an epoch of a custom loop: trains the rows still queued for a pooled step, so that nothing selected is
     * dropped.
     *
     * @param trainer the DJL trainer
     * @return what the final step did, or null when nothing was queued
     */
    public BatchResult finishEpoch(Trainer trainer) {
        return customLoop.finishEpoch(trainer);
    }
}
