package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.ControllerState;
import io.github.ast.djl.checkpoint.CheckpointDirectory;
import io.github.ast.djl.checkpoint.CheckpointFiles;
import io.github.ast.djl.checkpoint.CheckpointPosition;
import io.github.ast.djl.checkpoint.CheckpointState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * AST's checkpoints: what each records of the run ({@link State}, its {@code state.json}) in a
 * {@link CheckpointDirectory}, which owns the files, their atomic writing, checksums and retention, and the check
 * that a checkpoint was written by the same configuration. {@link RunCheckpoints} decides what to write and restore.
 */
final class CheckpointStore {

    private CheckpointStore() {}

    /**
     * What a checkpoint records besides tensors.
     *
     * @param config the run's configuration as properties
     * @param provenance versions of the software that wrote it
     * @param epoch the last completed epoch
     * @param epochs the epochs the run was started for
     * @param controller the controller's state
     * @param history the per-epoch figures so far
     * @param partial the running sums of epoch {@code epoch + 1} when the checkpoint was written within it (its
     *     {@code batches} is the batch position to resume from), null at an epoch's end
     * @param batchSize the size of the run's batches (an epoch's first), which a resumed run must share
     * @param trainingSize the training set's size, -1 if the dataset does not tell
     * @param stoppedEarly whether the run ended here before its last epoch because its observer stopped it
     * @param runId identifies the run across its resumes, so that retention deletes only its own checkpoints; null
     *     in checkpoints written before it was recorded
     */
    record State(Map<String, String> config, Provenance provenance, int epoch, int epochs,
            ControllerState controller, List<EpochStats> history, EpochTally partial, int batchSize,
            long trainingSize, boolean stoppedEarly, String runId) implements CheckpointState {

        /** Returns the position: an epoch's end, or the batches of the next epoch trained. */
        @Override
        public CheckpointPosition position() {
            return partial == null ? CheckpointPosition.endOf(epoch)
                    : CheckpointPosition.within(epoch + 1, partial.batches);
        }

        @Override
        public boolean complete() {
            return config != null && controller != null && history != null
                    && (partial == null || partial.batches >= 1 && partial.energies != null);
        }
    }

    /** Opens a run's checkpoint directory, keeping the newest {@code keep} of its checkpoints. */
    static CheckpointDirectory<State> open(Path directory, int keep) {
        return new CheckpointDirectory<>(directory, keep, State.class);
    }

    /** Reads a checkpoint's state, failing clearly on a damaged file. */
    static State readState(Path checkpoint) throws IOException {
        return CheckpointFiles.readState(checkpoint, State.class);
    }

    /**
     * Checks that a checkpoint was written by the same configuration, listing every difference.
     *
     * @throws ConfigurationException if any property differs
     */
    static void requireCompatible(Path checkpoint, Map<String, String> written, Map<String, String> current) {
        TreeSet<String> keys = new TreeSet<>(written.keySet());
        keys.addAll(current.keySet());
        Map<String, String> differences = new TreeMap<>();
        for (String key : keys) {
            String was = written.get(key);
            String now = current.get(key);
            if (was == null ? now != null : !was.equals(now)) {
                differences.put(key, "checkpoint " + was + ", this run " + now);
            }
        }
        if (!differences.isEmpty()) {
            throw new ConfigurationException("checkpoint " + checkpoint + " was written with another configuration;"
                    + " resuming needs the same one. Differences: " + differences);
        }
    }
}
