package io.github.ast.core;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.djl.checkpoint.CheckpointDirectory;
import io.github.ast.djl.checkpoint.CheckpointFiles;
import io.github.ast.djl.optim.ResumableOptimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpointing: writes what a resumed run needs (parameters, optimiser, controller, history, the policy's
 * state, the queue of pooled rows, the figures so far) and, on resume, checks that the checkpoint fits this run
 * before restoring it. A {@link CheckpointDirectory} owns the files; this class knows the run.
 */
final class RunCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
    /** Engines whose trainer keeps its own copy of the weights, so restoring them in place after it exists fails. */
    private static final Set<String> ENGINES_WITH_TRAINER_COPIES = Set.of("MXNet");

    private final CheckpointDirectory<CheckpointStore.State> store;
    private final Checkpointing settings;
    private final AstConfig config;
    private final List<EpochStats> completed;
    private final long trainingSize;
    /** The size of the current epoch's first batch: the run's batch size, recorded in checkpoints. */
    private int batchSize;
    /** After a resume, the batch size the checkpoint was written with, checked against the first batch; else 0. */
    private int resumedBatchSize;
    /** Identifies this run across its resumes: new for a fresh run, the checkpoint's after a resume. */
    private String runId = UUID.randomUUID().toString();

    /**
     * @param settings where and how often
     * @param config the run's configuration, recorded and compared
     * @param completed the run's epoch figures, shared with the loop
     * @param trainingSize the training set's size, -1 if the dataset does not tell
     */
    RunCheckpoints(Checkpointing settings, AstConfig config, List<EpochStats> completed, long trainingSize)
            throws IOException {
        this.store = CheckpointStore.open(settings.directory(), settings.keep());
        this.settings = settings;
        this.config = config;
        this.completed = completed;
        this.trainingSize = trainingSize;
        store.requireWritable();
        if (!settings.resume() && store.hasCheckpoints()) {
            throw new ConfigurationException("checkpoint directory " + settings.directory() + " holds another "
                    + "run's checkpoints " + store.checkpoints().stream().map(p -> p.getFileName().toString())
                    .toList() + " and resume is off; resume from them or choose an empty directory");
        }
    }

    int everyBatches() {
        return settings.everyBatches();
    }

    int everyEpochs() {
        return settings.everyEpochs();
    }

    /**
     * Records the size of an epoch's first batch as the run's batch size and, after a resume, checks it against the
     * checkpoint's: the batch position and the random streams count batches, so another size would train other
     * samples than the uninterrupted run.
     */
    void firstBatchOfEpoch(int size) {
        if (resumedBatchSize > 0 && size != resumedBatchSize) {
            throw new ConfigurationException("the checkpoint was written by a run whose batches hold "
                    + resumedBatchSize + " samples but this run's first batch holds " + size
                    + "; resuming needs the same batch size");
        }
        resumedBatchSize = 0;
        batchSize = size;
    }

    /**
     * Restores the latest checkpoint, if resuming and there is one.
     *
     * @return its state, or null to start afresh
     */
    CheckpointStore.State resume(Trainer trainer, int epochs, Controller controller, TrainingRun run)
            throws IOException {
        if (!settings.resume()) {
            return null;
        }
        Optional<Path> latest = store.latest();
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
        if (state.trainingSize() != trainingSize) {
            throw new ConfigurationException("checkpoint " + latest.get() + " was written for a training set of "
                    + state.trainingSize() + " samples but this one has " + trainingSize
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
            NDList saved = CheckpointFiles.readParameters(latest.get(), block, scratch);
            if (!CheckpointFiles.holds(block, saved)) {
                if (ENGINES_WITH_TRAINER_COPIES.contains(engineName)) {
                    throw new ConfigurationException("the model does not hold the parameters of checkpoint "
                            + latest.get() + ", and on " + engineName + " they cannot be restored once the trainer "
                            + "exists: its trainer copies the weights at trainer.initialize() and pulls that copy "
                            + "back at every step. Call checkpointing.restoreParameters(model, inputShapes) before "
                            + "model.newTrainer(...)");
                }
                CheckpointFiles.copyInto(block, saved);
            }
            ResumableOptimizer optimizer = settings.optimizer();
            Optional<NDList> optimizerState = CheckpointFiles.load(latest.get(), "optimizer", scratch);
            if (optimizer != null && optimizerState.isPresent()) {
                optimizer.importState(block.getParameters(), optimizerState.get());
            } else if (optimizer != null) {
                LOG.warn("Checkpoint {} holds no optimiser state: the optimiser starts afresh", latest.get());
            } else if (optimizerState.isPresent()) {
                LOG.warn("Checkpoint {} holds optimiser state but no ResumableOptimizer was given "
                        + "(Checkpointing.withOptimizer): the optimiser starts afresh", latest.get());
            }
            controller.restore(state.controller());
            if (run.history() != null) {
                CheckpointFiles.load(latest.get(), "history", scratch).ifPresent(run.history()::restore);
            }
            if (run.policy() instanceof SelectionPolicy.Stateful stateful) {
                CheckpointFiles.load(latest.get(), "policy", scratch).ifPresent(stateful::restoreState);
            }
            CheckpointFiles.load(latest.get(), "queue", scratch).ifPresent(run.assembler()::restore);
        }
        completed.addAll(state.history());
        resumedBatchSize = state.batchSize();
        if (state.runId() != null) {
            runId = state.runId();
            store.deleteLeftovers(runId); // what a kill during this run's retention left
        } else {
            store.ownUnmarked(); // an earlier version's run, continued by this one
        }
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
        SelectionConfig selection = config.selection();
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
     * Writes a checkpoint.
     *
     * @param epoch the last completed epoch
     * @param partial the running epoch's figures for a checkpoint within it, or null at an epoch's end
     * @param stoppedEarly whether the observer stopped the run after {@code epoch}
     */
    void write(Trainer trainer, int epoch, int epochs, EpochTally partial, boolean stoppedEarly,
            Controller controller, TrainingRun run) throws IOException {
        if (partial != null) {
            // A checkpoint of non-finite parameters would resume a broken model; at an epoch's end, finishEpoch checked.
            run.requireFiniteParameters(trainer);
        }
        Block block = trainer.getModel().getBlock();
        ResumableOptimizer optimizer = settings.optimizer();
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            Map<String, NDList> arrays = new LinkedHashMap<>();
            if (run.history() != null) {
                NDList history = run.history().export(scratch);
                if (!history.isEmpty()) {
                    arrays.put("history", history);
                }
            }
            if (optimizer != null) {
                arrays.put("optimizer", optimizer.exportState(block.getParameters(), scratch));
            }
            NDList policy = run.policy() instanceof SelectionPolicy.Stateful stateful ? stateful.exportState(scratch)
                    : new NDList();
            if (!policy.isEmpty()) {
                arrays.put("policy", policy);
            }
            NDList queue = run.assembler().export(scratch);
            if (!queue.isEmpty()) {
                arrays.put("queue", queue);
            }
            store.save(new CheckpointStore.State(config.toProperties(), Provenance.of(trainer.getManager()
                    .getEngine()), epoch, epochs, controller.state(), completed, partial, batchSize, trainingSize,
                    stoppedEarly, runId), block, arrays);
        }
    }
}
