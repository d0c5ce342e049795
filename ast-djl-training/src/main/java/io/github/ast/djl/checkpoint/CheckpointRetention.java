package io.github.ast.djl.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which checkpoints of a directory a run owns, and their deletion: retention of the newest few, and removal of what
 * an interrupted write, probe or deletion left. Deleting is best effort (a failure is logged and training goes on)
 * and touches only the run's own checkpoints, so runs sharing a directory never lose each other's.
 */
final class CheckpointRetention {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

    /** An old checkpoint renamed out of the way before it is deleted: {@code .deleting-<run id>-<name>}. */
    private static final String DELETING = ".deleting-";
    /** The owner of a checkpoint whose state cannot be read: nobody's, so never deleted or overwritten. */
    private static final String UNREADABLE = "(unreadable state)";

    private final Path directory;
    private final int keep;
    private final Class<? extends CheckpointState> type;
    private final CheckpointDirectory.Deletion deletion;
    /** Whether checkpoints that record no run id (written by an earlier version) count as this run's. */
    private boolean ownsUnmarked;

    CheckpointRetention(Path directory, int keep, Class<? extends CheckpointState> type,
            CheckpointDirectory.Deletion deletion) {
        this.directory = directory;
        this.keep = keep;
        this.type = type;
        this.deletion = deletion;
    }

    /** Counts checkpoints that record no run id as the run's own. */
    void ownUnmarked() {
        ownsUnmarked = true;
    }

    /** Returns whether a checkpoint written by {@code owner} (see {@link #ownerOf}) belongs to run {@code runId}. */
    boolean owns(String owner, String runId) {
        return owner == null ? ownsUnmarked : owner.equals(runId);
    }

    /**
     * Returns the run id a checkpoint's state records: null if it records none (an earlier version wrote it), a value
     * no run has if its state cannot be read.
     */
    String ownerOf(Path checkpoint) {
        try {
            return CheckpointFiles.readState(checkpoint, type).runId();
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }

    /**
     * Keeps the newest {@code keep} of a run's checkpoints up to the one just written and deletes its older ones,
     * best effort: a checkpoint that cannot be deleted is reported, and training goes on. Nothing ordered after the
     * one just written is touched, so retention can never delete the checkpoint {@code latest} names, and another
     * run's checkpoints (another run id, or one that cannot be read) are never touched.
     *
     * @param older the directory's checkpoints ordered before the one just written, oldest first
     */
    void deleteOlder(List<Path> older, String runId) {
        List<Path> own = older.stream().filter(p -> owns(ownerOf(p), runId)).toList();
        for (Path old : own.subList(0, Math.max(0, own.size() - (keep - 1)))) {
            // Renamed first, in one atomic step: a kill during the deletion leaves a leftover this run's next start
            // removes, never a half-deleted checkpoint directory that looks like a checkpoint.
            Path renamed = directory.resolve(DELETING + runId + "-" + old.getFileName());
            try {
                Files.move(old, renamed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not delete an old checkpoint {} ({}); training goes on, delete it by hand", old,
                        e.toString());
                continue;
            }
            deleteBestEffort(renamed, "an old checkpoint");
        }
    }

    /**
     * Deletes, best effort, what an interrupted write or probe left behind (files and directories whose names start
     * with one of {@code prefixes}) and what an interrupted retention of this run left (old checkpoints renamed for
     * deletion).
     *
     * @param runId the run whose retention leftovers are removed
     */
    void deleteLeftovers(String runId, List<String> prefixes) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        String deleting = DELETING + runId + "-";
        try (Stream<Path> children = Files.list(directory)) {
            for (Path leftover : children.filter(p -> p.getFileName().toString().startsWith(deleting)
                    || prefixes.stream().anyMatch(p.getFileName().toString()::startsWith)).toList()) {
                deleteBestEffort(leftover, "a leftover of an interrupted checkpoint write or deletion");
            }
        }
    }

    void deleteBestEffort(Path path, String what) {
        try {
            deletion.delete(path);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete {} {} ({}); training goes on, delete it by hand", what, path, e.toString());
        }
    }
}
