package io.github.ast.core;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.RunRandom;
import io.github.ast.api.SelectionPolicy;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Iterator;

/**
 * Trains a DJL {@link Trainer} on the samples that still teach the model something, one batch at a time.
 *
 * <p>{@code fit} mirrors {@code EasyTrain.fit(trainer, epochs, train, validation)}: an epoch loop ({@link FitRun}:
 * randomness on a fixed grid, accounting, validation, checkpoints) that runs each batch through the run's stages
 * ({@link TrainingRun}). Which samples an epoch visits is the training set's sampler's choice (RS2, InfoBatch, a Spark
 * selection), which rows of a batch train the policy's; the default policy is the published system (a scoring
 * forward, the scorer, the gate at the PI controller's threshold, a random fallback). Per-sample work stays on the
 * engine. {@code TrainingListener}s receive {@code EasyTrain}'s callbacks. One instance is one run; custom loops
 * call {@link #startEpoch}, {@link #trainBatch} and {@link #finishEpoch}.
 */
public final class AdaptiveSparseTrainer {

    private final AstConfig config;
    private final SelectionParts parts;
    private final EnergyAccount energy;
    private final PerSampleLoss perSampleLoss;
    private final SelectionPolicy policy;
    /** The run's own random numbers, re-seeded with the engine's generator. */
    private final RunRandom random;
    private final CustomLoop customLoop = new CustomLoop(this);
    /** Where the profile command records each phase's time; off otherwise. */
    private PhaseTimes times = PhaseTimes.OFF;
    private final LoopInputs inputs;

    /**
     * Creates a trainer from its parts, normally through {@link AstModule}.
     *
     * @param config the configuration
     * @param parts the scorer, gate and controller
     * @param energy the energy models, primary first
     * @param perSampleLoss the unreduced loss used for scoring
     * @param policy the selection policy, built on the same parts
     * @param random the run's own random numbers, shared with the plugins
     * @param inputs the clock batch times are measured on and the sampler's weights, from the services
     */
    @Inject
    AdaptiveSparseTrainer(AstConfig config, SelectionParts parts, EnergyAccount energy, PerSampleLoss perSampleLoss,
            SelectionPolicy policy, RunRandom random, LoopInputs inputs) {
        this.config = config;
        this.random = random;
        this.parts = parts;
        this.energy = energy;
        this.perSampleLoss = perSampleLoss;
        this.policy = policy;
        this.inputs = inputs;
    }

    /** {@return the configuration} */
    public AstConfig config() {
        return config;
    }

    /** {@return the scorer, gate and controller the policy builds on}, for inspecting their state */
    public SelectionParts parts() {
        return parts;
    }

    /** {@return the controller}, which fit checkpoints and retargets */
    Controller controller() {
        return parts.controller();
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

    EnergyAccount energyAccount() {
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
     * Trains like {@link #fit(Trainer, int, Dataset, Dataset)}, reporting to an observer instead of the console
     * ({@code TrainingObserver.all(ConsoleOutput.standard(), yours)} keeps both).
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
     * @throws ConfigurationException if the checkpoint does not fit this run (see {@link Checkpointing}), or the
     *     configuration cannot be checkpointed (a batch cadence off the {@code ast.reseedEvery} grid, batches the
     *     policy resizes)
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer, Checkpointing checkpointing) throws IOException, TranslateException {
        Validation.requireFittable(config, parts.gate(), policy, trainer, epochs, trainingSet, validationSet,
                checkpointing);
        customLoop.close(); // the policy restarts with fit's run
        try (FitRun run = new FitRun(this, trainer, epochs, trainingSet, validationSet, observer,
                checkpointing)) {
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
        return new TrainingRun(config, policy, energy, perSampleLoss, trainer, historySize, times, inputs.nanos(),
                inputs.sampled());
    }

    LoopInputs inputs() {
        return inputs;
    }

    PerSampleLoss perSampleLoss() { // for validation
        return perSampleLoss;
    }

    PhaseTimes times() {
        return times;
    }

    /**
     * Restarts AST's own randomness, as {@code fit} does on its grid: the run's generator ({@link RunRandom}) and the
     * policy's own. For custom loops that restart their randomness to resume exactly; the engine's stays theirs.
     *
     * @param seed the seed
     */
    public void reseed(long seed) {
        if (policy instanceof SelectionPolicy.Seeded seeded) {
            seeded.reseed(seed);
        }
        random.reseed(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L); // not the policy's own stream
    }

    /**
     * Starts an epoch of a custom loop (one that calls {@link #trainBatch} itself instead of {@code fit}): whether
     * its scores are fresh and, on the first call, the run's history and the policy's preparation. Nothing is
     * reseeded ({@link #reseed} restarts AST's draws); batch positions restart at 0.
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
     * Trains a batch as {@code EasyTrain.trainBatch} and {@code trainer.step()} would, on the rows the policy selects
     * (pooled with {@code ast.backwardBatch}), for custom loops; empty or non-finite batches are skipped and logged.
     *
     * @param trainer the DJL trainer
     * @param batch the batch; the caller closes it
     * @return what the step did
     */
    public BatchResult trainBatch(Trainer trainer, Batch batch) {
        return customLoop.trainBatch(trainer, batch);
    }

    /**
     * Ends an epoch of a custom loop: trains the rows still queued for a pooled step.
     *
     * @param trainer the DJL trainer
     * @return what the final step did, or null when nothing was queued
     */
    public BatchResult finishEpoch(Trainer trainer) {
        return customLoop.finishEpoch(trainer);
    }
}
