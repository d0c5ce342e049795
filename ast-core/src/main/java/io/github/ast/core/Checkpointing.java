package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how often a run writes checkpoints, and whether it resumes from the latest one.
 *
 * <p>A checkpoint holds the model's parameters, the controller's state, the per-epoch figures so far (energy
 * included), the score history, the epoch reached, and the full configuration with library and engine versions.
 * Randomness is re-seeded from the configured seed at every epoch, so a run resumed at an epoch boundary draws the
 * same shuffles and selections as an uninterrupted one. DJL offers no API to save an optimiser's internal state, so
 * a resumed run restarts stateful optimisers (Adam's moments); with a stateless optimiser (plain SGD) it continues
 * exactly.
 *
 * @param directory where checkpoints are written, one sub-directory per checkpoint plus a {@code latest} pointer
 * @param everyEpochs write a checkpoint after every this many epochs (and after the last), >= 1
 * @param resume start from the latest checkpoint in the directory if there is one
 */
public record Checkpointing(Path directory, int everyEpochs, boolean resume) {

    /** Validates the values. */
    public Checkpointing {
        Objects.requireNonNull(directory, "directory");
        if (everyEpochs < 1) {
            throw new ConfigurationException("checkpoint everyEpochs=" + everyEpochs + " must be >= 1");
        }
    }

    /**
     * Checkpoints after every epoch into a directory, resuming from it if it already holds one.
     *
     * @param directory the checkpoint directory
     * @return the setting
     */
    public static Checkpointing everyEpoch(Path directory) {
        return new Checkpointing(directory, 1, true);
    }
}
