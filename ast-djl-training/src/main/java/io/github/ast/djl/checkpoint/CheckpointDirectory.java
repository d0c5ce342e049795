package io.github.ast.djl.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of checkpoints, written and read atomically: each is assembled in a temporary directory with the
 * checksums of its files ({@link CheckpointChecksums}), flushed to disk, moved into place in one rename, and only
 * then published by replacing the {@code latest} pointer file, itself written to a temporary file and renamed. A
 * crash at any point leaves the previous checkpoint intact and {@code latest} pointing at it. Checkpoints are found
 * by their directories ({@link CheckpointPosition#name}), not only through the pointer, so a lost pointer neither
 * hides them nor lets a fresh run overwrite them; retention deletes only the writing run's own checkpoints, best
 * effort. {@link CheckpointFiles} reads a checkpoint back.
 *
 * @param <S> the state each checkpoint records in its {@code state.json}
 */
public final class CheckpointDirectory<S extends CheckpointState> {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

    private static final String LATEST = "latest";
    private static final String WRITING = ".writing-";
    private static final String POINTER = ".latest-";
    private static final String PROBE = ".probe-";

    private final Path directory;
    private final Class<S> type;
    private final Steps steps;
    private final CheckpointRetention retention;

    /**
     * Opens a directory of checkpoints; nothing is read or written yet.
     *
     * @param directory the directory, created when the first checkpoint is written
     * @param keep how many of a run's newest checkpoints to keep, >= 1
     * @param type the class of the checkpoints' state
     */
    public CheckpointDirectory(Path directory, int keep, Class<S> type) {
        this(directory, keep, type, step -> {}, Deletion.RECURSIVE);
    }

    /**
     * Opens a directory of checkpoints that reports each step of {@link #save} as it completes and deletes with
     * {@code deletion}, so a test can crash a write between any two steps, or make a deletion fail, and check what a
     * reader then finds.
     *
     * @param directory the directory, created when the first checkpoint is written
     * @param keep how many of a run's newest checkpoints to keep, >= 1
     * @param type the class of the checkpoints' state
     * @param steps told of each completed step
     * @param deletion deletes old checkpoints and leftovers of interrupted writes
     * @throws IllegalArgumentException if {@code keep} is below 1
     */
    public CheckpointDirectory(Path directory, int keep, Class<S> type, Steps steps, Deletion deletion) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep=" + keep + " must be >= 1");
        }
        this.directory = Objects.requireNonNull(directory, "directory");
        this.type = Objects.requireNonNull(type, "type");
        this.steps = Objects.requireNonNull(steps, "steps");
        this.retention = new CheckpointRetention(directory, keep, type, Objects.requireNonNull(deletion, "deletion"));
    }

    /** Deletes a checkpoint directory or a leftover of an interrupted write. */
    @FunctionalInterface
    public interface Deletion {
        /** Deletes a file, or a directory with everything in it: what a store does unless told otherwise. */
        Deletion RECURSIVE = CheckpointFiles::deleteRecursively;

        /**
         * Deletes a file or directory with everything in it.
         *
         * @param path what to delete
         * @throws IOException if it cannot
         */
        void delete(Path path) throws IOException;
    }

    /** Receives the name of each completed step of a checkpoint write. */
    @FunctionalInterface
    public interface Steps {
        /** The steps of {@link #save}, in order. */
        List<String> ORDER = List.of("files written", "files flushed", "moved into place", "pointer written",
                "published", "older deleted");

        /**
         * Called after each step.
         *
         * @param step one of {@link #ORDER}
         * @throws IOException to abort the write there
         */
        void completed(String step) throws IOException;
    }

    /**
     * Counts checkpoints that record no run id as the writing run's own, for retention and overwriting: a run resumed
     * from a checkpoint an earlier version wrote continues that version's run.
     */
    public void ownUnmarked() {
        retention.ownUnmarked();
    }

    /**
     * Writes a checkpoint and publishes it as the latest: every file is flushed to disk (fsync) before the rename
     * that publishes it, so a power loss, not only a killed process, leaves the previous checkpoint usable. Then
     * deletes this run's checkpoints beyond the newest {@code keep}, and leftovers of its interrupted writes.
     *
     * @param state the state; its position names the checkpoint and its run id owns it
     * @param block the block whose parameters are saved
     * @param arrays further array lists by name (letters, digits, '_' and '-'), each saved as {@code <name>.ndlist}
     * @throws IOException if it cannot be written, or a checkpoint of the same position from another run is there
     */
    public void save(S state, Block block, Map<String, NDList> arrays) throws IOException {
        String runId = Objects.requireNonNull(state.runId(), "a saved state's runId");
        arrays.keySet().forEach(CheckpointFiles::arrayFile); // names checked before anything is written
        Files.createDirectories(directory);
        deleteLeftovers(runId);
        String name = state.position().name();
        Path temporary = Files.createTempDirectory(directory, WRITING + name + "-");
        CheckpointFiles.write(temporary, state, block, arrays);
        CheckpointChecksums.write(temporary);
        steps.completed("files written");
        try (Stream<Path> files = Files.list(temporary)) {
            for (Path file : files.toList()) {
                CheckpointFiles.fsync(file);
            }
        }
        CheckpointFiles.fsync(temporary);
        steps.completed("files flushed");
        Path target = directory.resolve(name);
        if (Files.exists(target)) {
            String owner = retention.ownerOf(target);
            if (!retention.owns(owner, runId)) {
                retention.deleteBestEffort(temporary, "this run's unpublished checkpoint");
                throw new IOException(target + " already exists and was not written by this run (run id " + owner
                        + ", this run " + runId + "): it is not overwritten; move it away to continue");
            }
            CheckpointFiles.deleteRecursively(target);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        CheckpointFiles.fsync(directory);
        steps.completed("moved into place");
        Path pointer = Files.createTempFile(directory, POINTER, ".tmp");
        Files.writeString(pointer, name, StandardCharsets.UTF_8);
        CheckpointFiles.fsync(pointer);
        steps.completed("pointer written");
        Files.move(pointer, directory.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        CheckpointFiles.fsync(directory);
        steps.completed("published");
        CheckpointPosition written = state.position();
        retention.deleteOlder(checkpoints().stream().filter(p -> position(p).compareTo(written) < 0).toList(), runId);
        steps.completed("older deleted");
    }

    /**
     * Returns whether the directory holds checkpoints.
     *
     * @return whether it has a {@code latest} pointer or any checkpoint directory
     * @throws IOException if the directory cannot be listed
     */
    public boolean hasCheckpoints() throws IOException {
        return Files.exists(directory.resolve(LATEST)) || !checkpoints().isEmpty();
    }

    /**
     * Returns the checkpoint directories here: real directories with a checkpoint's name, never links.
     *
     * @return their paths, oldest position first
     * @throws IOException if the directory cannot be listed
     */
    public List<Path> checkpoints() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(p -> CheckpointPosition.parse(p.getFileName().toString()).isPresent())
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(CheckpointDirectory::position)).toList();
        }
    }

    private static CheckpointPosition position(Path checkpoint) {
        return CheckpointPosition.parse(checkpoint.getFileName().toString()).orElseThrow(
                () -> new IllegalArgumentException(checkpoint + " is not a checkpoint name"));
    }

    /**
     * Deletes, best effort, what an interrupted write or probe left behind (temporary directories, pointer and probe
     * files) and what an interrupted retention of this run left (old checkpoints renamed for deletion). A resumed
     * run calls it before training, so nothing a kill left stays until its first checkpoint.
     *
     * @param runId the run whose retention leftovers are removed
     * @throws IOException if the directory cannot be listed
     */
    public void deleteLeftovers(String runId) throws IOException {
        retention.deleteLeftovers(runId, List.of(WRITING, POINTER, PROBE));
    }

    /**
     * Checks that checkpoints can be written here, before the run trains: creates the directory and writes and
     * removes a probe file, so a read-only or missing location fails at the start rather than at the first
     * checkpoint, after the batches before it were trained.
     *
     * @throws IOException naming the directory and the cause
     */
    public void requireWritable() throws IOException {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, PROBE, ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("checkpoint directory " + directory + " is not writable (" + e + "): no checkpoint "
                    + "could be written there; choose a writable directory or fix its permissions", e);
        }
    }

    /**
     * Returns the checkpoint to resume from, verified against its checksums: the one {@code latest} names or, when
     * the pointer is missing, the newest checkpoint directory (with a warning). A checkpoint that fails verification
     * is an error whether or not the pointer names it, never a silent step back to an older one: damage means the
     * disk or a person changed the files, and resuming from an older checkpoint would discard training the user
     * counts as done. The error lists the older checkpoints that verify, for a person to choose.
     *
     * @return the checkpoint's directory, or empty if there is none
     * @throws IOException if the pointer names something that is not a checkpoint directory of this directory (a
     *     link to elsewhere included), or the checkpoint is incomplete or fails its checksums
     */
    public Optional<Path> latest() throws IOException {
        Path pointer = directory.resolve(LATEST);
        if (Files.isRegularFile(pointer)) {
            String name = CheckpointFiles.readUtf8(pointer).trim();
            if (CheckpointPosition.parse(name).isEmpty()) {
                throw new IOException(pointer + " names '" + name + "', not a checkpoint of " + directory
                        + " (epoch-NNNN or epoch-NNNN-batch-NNNNNN): refusing to follow it");
            }
            Path named = directory.resolve(name);
            if (Files.exists(named) && !named.toRealPath().getParent().equals(directory.toRealPath())) {
                throw new IOException(pointer + " names '" + name + "', a link to " + named.toRealPath()
                        + ", outside " + directory + ": refusing to follow it");
            }
            return Optional.of(verifiedOrListOlder(named, pointer.toString()));
        }
        List<Path> found = checkpoints();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path newest = verifiedOrListOlder(found.get(found.size() - 1), "its directory");
        LOG.warn("{} has no {} pointer; resuming from the newest checkpoint {} of {}", directory, LATEST,
                newest.getFileName(), found.stream().map(p -> p.getFileName().toString()).toList());
        return Optional.of(newest);
    }

    /** Verifies a checkpoint; when it fails, the error names the older checkpoints that verify and how to use one. */
    private Path verifiedOrListOlder(Path checkpoint, String namedBy) throws IOException {
        try {
            return CheckpointFiles.verified(checkpoint, namedBy, type);
        } catch (IOException e) {
            List<String> older = new ArrayList<>();
            for (Path candidate : checkpoints()) {
                if (position(candidate).compareTo(position(checkpoint)) >= 0) {
                    continue;
                }
                try {
                    older.add(CheckpointFiles.verified(candidate, "its directory", type).getFileName().toString());
                } catch (IOException | RuntimeException skipped) {
                    // not offered: it fails too
                }
            }
            throw new IOException(e.getMessage() + (older.isEmpty() ? "; no older checkpoint of " + directory
                    + " verifies" : "; older checkpoints that verify: " + older + " (to resume from one, write its "
                    + "name into " + directory.resolve(LATEST) + ")"), e);
        }
    }
}
