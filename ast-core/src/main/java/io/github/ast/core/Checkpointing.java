package io.github.ast.core;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.ast.api.ConfigurationException;
import io.github.ast.djl.checkpoint.CheckpointFiles;
import io.github.ast.djl.optim.ResumableOptimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how often a run writes checkpoints, how many it keeps, and whether it resumes from the latest one.
 *
 * <p>A checkpoint holds the model's parameters, the controller's state, the per-epoch figures so far (energy
 * included), the running sums of the epoch in progress, the score history, the epoch and batch reached, the batch
 * size, and the full configuration with library and engine versions. Randomness restarts from seeds derived from the
 * configured seed at every epoch and every {@code ast.reseedEvery} batches, checkpoints or not (engines cannot save
 * their generators' state), so a run resumed at any checkpoint draws the same shuffles and selections as an
 * uninterrupted run with the same configuration, with or without checkpoints. A run its observer stopped early stays
 * stopped; a finished run given more epochs continues.
 *
 * <p>DJL's optimisers cannot export their state; with a {@link ResumableOptimizer} (such as {@code ResumableAdam},
 * DJL's Adam bit for bit) passed through {@link #withOptimizer}, its moments and counters are checkpointed too and a
 * resumed Adam run continues exactly. Without one, stateful optimisers restart their state on resume.
 *
 * <p>On engines whose trainer keeps its own copy of the weights (MXNet copies them into a KVStore at
 * {@code trainer.initialize()} and pulls them back at every step), the parameters must be in the model before its
 * trainer is created: call {@link #restoreParameters} first. On PyTorch {@code fit} also restores them in place.
 *
 * @param directory where checkpoints are written, one sub-directory per checkpoint plus a {@code latest} pointer
 * @param everyEpochs write a checkpoint after every this many epochs (and after the last), >= 1
 * @param everyBatches also write one after every this many batches within an epoch, 0 for epoch ends only; a
 *     multiple of {@code ast.reseedEvery}, checked when training starts
 * @param keep how many of the newest checkpoints to keep on disk, >= 1; older ones are deleted
 * @param resume start from the latest checkpoint in the directory if there is one
 * @param optimizer the trainer's optimiser if its state can be checkpointed, else null
 */
public record Checkpointing(Path directory, int everyEpochs, int everyBatches, int keep, boolean resume,
        ResumableOptimizer optimizer) {

    /** The number of checkpoints the factories keep. */
    public static final int DEFAULT_KEEP = 3;

    /**
     * Validates the values.
     *
     * @param directory where checkpoints are written
     * @param everyEpochs write a checkpoint after every this many epochs, >= 1
     * @param everyBatches also write one after every this many batches within an epoch, >= 0 (0: epoch ends only)
     * @param keep how many of the newest checkpoints to keep on disk, >= 1
     * @param resume start from the latest checkpoint in the directory if there is one
     * @param optimizer the trainer's optimiser if its state can be checkpointed, else null
     */
    public Checkpointing {
        Objects.requireNonNull(directory, "directory");
        if (everyEpochs < 1) {
            throw new ConfigurationException("checkpoint everyEpochs=" + everyEpochs + " must be >= 1");
        }
        if (everyBatches < 0) {
            throw new ConfigurationException("checkpoint everyBatches=" + everyBatches
                    + " must be >= 0 (0 checkpoints at epoch ends only)");
        }
        if (keep < 1) {
            throw new ConfigurationException("checkpoint keep=" + keep + " must be >= 1");
        }
    }

    /**
     * Checkpoints after every epoch into a directory, resuming from it if it already holds one.
     *
     * @param directory the checkpoint directory
     * @return the setting
     */
    public static Checkpointing everyEpoch(Path directory) {
        return new Checkpointing(directory, 1, 0, DEFAULT_KEEP, true, null);
    }

    /**
     * Checkpoints after every epoch and every {@code batches} batches within one, resuming from the latest.
     *
     * @param directory the checkpoint directory
     * @param batches batches between checkpoints within an epoch, >= 1
     * @return the setting
     */
    public static Checkpointing everyBatches(Path directory, int batches) {
        if (batches < 1) {
            throw new ConfigurationException("checkpoint every " + batches + " batches: must be >= 1");
        }
        return new Checkpointing(directory, 1, batches, DEFAULT_KEEP, true, null);
    }

    /**
     * Returns these settings, also checkpointing an optimiser's state: pass the optimiser given to the trainer's
     * {@code TrainingConfig}.
     *
     * @param resumable the trainer's optimiser
     * @return the new settings
     */
    public Checkpointing withOptimizer(ResumableOptimizer resumable) {
        return new Checkpointing(directory, everyEpochs, everyBatches, keep, resume,
                Objects.requireNonNull(resumable, "optimizer"));
    }

    /**
     * Loads the latest checkpoint's parameters into a model before its trainer is created, initialising the block
     * for the given input shapes if needed. {@code trainer.initialize} keeps parameters that are already
     * initialised, so the trainer starts from the checkpoint on every engine. Does nothing without a checkpoint or
     * with {@code resume} off.
     *
     * @param model the model, with its block set
     * @param inputShapes the input shapes the trainer will be initialised with
     * @return true if parameters were restored
     * @throws IOException if the latest checkpoint cannot be read or does not fit the model
     */
    public boolean restoreParameters(Model model, Shape... inputShapes) throws IOException {
        Block block = model.getBlock();
        if (block == null) {
            throw new IllegalStateException("the model has no block: call model.setBlock(...) before restoring");
        }
        Optional<Path> latest = resume ? CheckpointStore.open(directory, keep).latest() : Optional.empty();
        if (latest.isEmpty()) {
            return false;
        }
        if (!block.isInitialized()) {
            block.initialize(model.getNDManager(), model.getDataType(), inputShapes);
        }
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            CheckpointFiles.copyInto(block, CheckpointFiles.readParameters(latest.get(), block, scratch));
        }
        return true;
    }
}
