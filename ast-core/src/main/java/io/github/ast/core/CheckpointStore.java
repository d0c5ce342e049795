package io.github.ast.core;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.ControllerState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads checkpoints atomically: each is assembled in a temporary directory with the checksums of its
 * files, moved into place in one rename, and only then published by replacing the {@code latest} pointer file,
 * itself written to a temporary file and renamed. A crash at any point leaves the previous checkpoint intact and
 * {@code latest} pointing at it. Checkpoints are found by their directories, not only through the pointer, so a lost
 * pointer neither hides them nor lets a fresh run overwrite them; retention deletes only the writing run's own
 * checkpoints, best effort.
 */
final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    private static final String LATEST = "latest";
    private static final String WRITING = ".writing-";
    private static final String POINTER = ".latest-";
    /** An old checkpoint renamed out of the way before it is deleted: {@code .deleting-<run id>-<name>}. */
    private static final String DELETING = ".deleting-";
    private static final String PROBE = ".probe-";
    private static final String STATE = "state.json";
    private static final String PARAMETERS = "model.params";
    /** The owner of a checkpoint whose state cannot be read: nobody's, so never deleted or overwritten. */
    private static final String UNREADABLE = "(unreadable state)";
    /** Array files a checkpoint may hold besides the parameters, as {@code <name>.ndlist}. */
    static final java.util.Set<String> ARRAY_FILES = java.util.Set.of("history", "optimizer", "policy", "queue");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    /** Checkpoint directory names: {@code epoch-0003} at an epoch's end, {@code epoch-0003-batch-000040} within. */
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{1,18})(?:-batch-(\\d{1,18}))?");

    private final Path directory;
    private final int keep;
    private final Steps steps;
    private final Deletion deletion;
    /** Whether checkpoints that record no run id (written by an earlier version) count as this run's. */
    private boolean ownsUnmarked;

    CheckpointStore(Path directory, int keep) {
        this(directory, keep, step -> {}, CheckpointStore::deleteRecursively);
    }

    /**
     * Creates a store that reports each step of {@link #save} as it completes, so a test can crash a write between
     * any two of them and check what a reader then finds.
     */
    CheckpointStore(Path directory, int keep, Steps steps) {
        this(directory, keep, steps, CheckpointStore::deleteRecursively);
    }

    /** Creates a store that deletes old checkpoints and leftovers with {@code deletion}, so a test can make it fail. */
    CheckpointStore(Path directory, int keep, Steps steps, Deletion deletion) {
        this.directory = directory;
        this.keep = keep;
        this.steps = steps;
        this.deletion = deletion;
    }

    /**
     * Counts checkpoints that record no run id as this run's own, for retention and overwriting: a run resumed from
     * a checkpoint an earlier version wrote continues that version's run.
     */
    void ownUnmarked() {
        ownsUnmarked = true;
    }

    /** Deletes a checkpoint directory or a leftover of an interrupted write. */
    @FunctionalInterface
    interface Deletion {
        void delete(Path path) throws IOException;
    }

    /** Receives the name of each completed step of a checkpoint write. */
    @FunctionalInterface
    interface Steps {
        /** The steps of {@link #save}, in order. */
        List<String> ORDER = List.of("files written", "files flushed", "moved into place", "pointer written",
                "published", "older deleted");

        void completed(String step) throws IOException;
    }

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
            long trainingSize, boolean stoppedEarly, String runId) {

        /** Returns the directory name: ordered by epoch, then batch, with an epoch's end after its batches. */
        String name() {
            return partial == null ? String.format("epoch-%04d", epoch)
                    : String.format("epoch-%04d-batch-%06d", epoch + 1, partial.batches);
        }
    }

    /**
     * Writes a checkpoint and publishes it as the latest: every file is flushed to disk (fsync) before the rename
     * that publishes it, so a power loss, not only a killed process, leaves the previous checkpoint usable.
     */
    void save(State state, Block block, java.util.Map<String, NDList> arrays) throws IOException {
        if (!ARRAY_FILES.containsAll(arrays.keySet())) {
            throw new IllegalArgumentException("array files " + arrays.keySet() + " are not all among "
                    + ARRAY_FILES);
        }
        Files.createDirectories(directory);
        deleteLeftovers(state.runId());
        String name = state.name();
        Path temporary = Files.createTempDirectory(directory, WRITING + name + "-");
        Files.writeString(temporary.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
        NDList parameters = new NDList();
        block.getParameters().values().forEach(p -> parameters.add(p.getArray()));
        write(temporary.resolve(PARAMETERS), parameters);
        for (java.util.Map.Entry<String, NDList> file : arrays.entrySet()) {
            write(temporary.resolve(file.getKey() + ".ndlist"), file.getValue());
        }
        CheckpointChecksums.write(temporary);
        steps.completed("files written");
        try (Stream<Path> files = Files.list(temporary)) {
            for (Path file : files.toList()) {
                fsync(file);
            }
        }
        fsync(temporary);
        steps.completed("files flushed");
        Path target = directory.resolve(name);
        if (Files.exists(target)) {
            String owner = runIdOf(target);
            if (!owns(owner, state.runId())) {
                deleteBestEffort(temporary, "this run's unpublished checkpoint");
                throw new IOException(target + " already exists and was not written by this run (run id " + owner
                        + ", this run " + state.runId() + "): it is not overwritten; move it away to continue");
            }
            deleteRecursively(target);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(directory);
        steps.completed("moved into place");
        Path pointer = Files.createTempFile(directory, POINTER, ".tmp");
        Files.writeString(pointer, name, StandardCharsets.UTF_8);
        fsync(pointer);
        steps.completed("pointer written");
        Files.move(pointer, directory.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        fsync(directory);
        steps.completed("published");
        deleteOlderThan(target, state.runId());
        steps.completed("older deleted");
    }

    /** Returns whether the directory holds checkpoints: a {@code latest} pointer or any checkpoint directory. */
    boolean hasCheckpoints() throws IOException {
        return Files.exists(directory.resolve(LATEST)) || !checkpoints().isEmpty();
    }

    /** Returns the checkpoint directories here, oldest first. */
    List<Path> checkpoints() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted(byPosition()).toList();
        }
    }

    private static void write(Path file, NDList arrays) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            arrays.encode(out);
        }
    }

    /** Flushes a file or directory to the disk; directories only where the platform allows it. */
    private static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
        }
    }

    /**
     * Deletes, best effort, what an interrupted write or probe left behind (temporary directories, pointer and probe
     * files) and what an interrupted retention of this run left (old checkpoints renamed for deletion).
     *
     * @param runId the run whose retention leftovers are removed
     */
    void deleteLeftovers(String runId) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        String deleting = DELETING + runId + "-";
        try (Stream<Path> children = Files.list(directory)) {
            for (Path leftover : children.filter(p -> p.getFileName().toString().startsWith(WRITING)
                    || p.getFileName().toString().startsWith(POINTER)
                    || p.getFileName().toString().startsWith(PROBE)
                    || p.getFileName().toString().startsWith(deleting)).toList()) {
                deleteBestEffort(leftover, "a leftover of an interrupted checkpoint write or deletion");
            }
        }
    }

    /**
     * Checks that checkpoints can be written here, before the run trains: creates the directory and writes and
     * removes a probe file, so a read-only or missing location fails at the start rather than at the first
     * checkpoint, after the batches before it were trained.
     *
     * @throws IOException naming the directory and the cause
     */
    void requireWritable() throws IOException {
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
     * Keeps the newest {@code keep} of this run's checkpoints up to the one just written and deletes its older ones,
     * best effort: a checkpoint that cannot be deleted is reported, and training goes on. Nothing ordered after the
     * one just written is touched, so retention can never delete the checkpoint {@code latest} names, and another
     * run's checkpoints (another run id, or one that cannot be read) are never touched.
     */
    private void deleteOlderThan(Path written, String runId) throws IOException {
        Comparator<Path> order = byPosition();
        List<Path> older = checkpoints().stream().filter(p -> order.compare(p, written) < 0)
                .filter(p -> owns(runIdOf(p), runId)).toList();
        for (Path old : older.subList(0, Math.max(0, older.size() - (keep - 1)))) {
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

    private void deleteBestEffort(Path path, String what) {
        try {
            deletion.delete(path);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete {} {} ({}); training goes on, delete it by hand", what, path, e.toString());
        }
    }

    private boolean owns(String owner, String runId) {
        return owner == null ? ownsUnmarked : owner.equals(runId);
    }

    /**
     * Returns the run id a checkpoint's state records: null if it records none (an earlier version wrote it),
     * {@link #UNREADABLE} if its state cannot be read.
     */
    private static String runIdOf(Path checkpoint) {
        try {
            return readState(checkpoint).runId();
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }

    /** Orders checkpoint names by epoch, then batch, an epoch's end after its batches. */
    private static Comparator<Path> byPosition() {
        Comparator<Path> byEpoch = Comparator.comparingLong(p -> Long.parseLong(name(p).group(1)));
        return byEpoch.thenComparingLong(p -> name(p).group(2) == null ? Long.MAX_VALUE
                : Long.parseLong(name(p).group(2)));
    }

    private static Matcher name(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint name");
        }
        return m;
    }

    /**
     * Returns the checkpoint to resume from, verified against its checksums: the one {@code latest} names or, when
     * the pointer is missing, the newest checkpoint directory (with a warning). Empty if there is none. A checkpoint
     * that fails verification is an error whether or not the pointer names it, never a silent step back to an older
     * one: damage means the disk or a person changed the files, and resuming from an older checkpoint would discard
     * training the user counts as done. The error lists the older checkpoints that verify, for a person to choose.
     *
     * @throws IOException if the pointer names something that is not a checkpoint directory of this directory (a
     *     link to elsewhere included), or the checkpoint is incomplete or fails its checksums
     */
    Optional<Path> latest() throws IOException {
        Path pointer = directory.resolve(LATEST);
        if (Files.isRegularFile(pointer)) {
            String name = readUtf8(pointer).trim();
            if (!NAME.matcher(name).matches()) {
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
            return verified(checkpoint, namedBy);
        } catch (IOException e) {
            Comparator<Path> order = byPosition();
            List<String> older = new ArrayList<>();
            for (Path candidate : checkpoints()) {
                if (order.compare(candidate, checkpoint) >= 0) {
                    continue;
                }
                try {
                    older.add(verified(candidate, "its directory").getFileName().toString());
                } catch (IOException | RuntimeException skipped) {
                    // not offered: it fails too
                }
            }
            throw new IOException(e.getMessage() + (older.isEmpty() ? "; no older checkpoint of " + directory
                    + " verifies" : "; older checkpoints that verify: " + older + " (to resume from one, write its "
                    + "name into " + directory.resolve(LATEST) + ")"), e);
        }
    }

    private static Path verified(Path checkpoint, String namedBy) throws IOException {
        if (!Files.isRegularFile(checkpoint.resolve(STATE)) || !Files.isRegularFile(checkpoint.resolve(PARAMETERS))) {
            throw new IOException("checkpoint " + checkpoint + " named by " + namedBy + " is incomplete: it needs "
                    + STATE + " and " + PARAMETERS);
        }
        if (CheckpointChecksums.recorded(checkpoint)) {
            CheckpointChecksums.verify(checkpoint);
        } else if (readState(checkpoint).runId() != null) {
            // Written by this version, which always records checksums: the file was removed.
            throw new IOException("checkpoint " + checkpoint + " has no " + CheckpointChecksums.FILE + " although it "
                    + "was written with one: its files cannot be verified");
        } else {
            LOG.warn("Checkpoint {} records no checksums (written by an earlier version): its files are not verified",
                    checkpoint);
        }
        return checkpoint;
    }

    static String readUtf8(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not valid UTF-8 text (" + e + ")", e);
        }
    }

    /** Reads a checkpoint's state, failing clearly on a damaged file. */
    static State readState(Path checkpoint) throws IOException {
        try {
            State state = GSON.fromJson(readUtf8(checkpoint.resolve(STATE)), State.class);
            if (state == null || state.config() == null || state.controller() == null || state.history() == null
                    || state.partial() != null && (state.partial().batches < 1 || state.partial().energies == null)) {
                throw new IOException(checkpoint.resolve(STATE) + " is incomplete");
            }
            return state;
        } catch (JsonParseException e) {
            throw new IOException(checkpoint.resolve(STATE) + " is not a valid checkpoint state: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Copies parameters read by {@link #readParameters} into a block's existing arrays, in place: a DJL trainer keeps
     * references to those arrays, so replacing them (as {@code Block.loadParameters} does) would leave it training
     * the old ones.
     */
    static void copyInto(Block block, NDList saved) {
        List<Parameter> parameters = block.getParameters().values();
        for (int i = 0; i < saved.size(); i++) {
            saved.get(i).copyTo(parameters.get(i).getArray());
        }
    }

    /** Returns whether a block's parameters hold exactly the values read by {@link #readParameters}. */
    static boolean holds(Block block, NDList saved) {
        List<Parameter> parameters = block.getParameters().values();
        for (int i = 0; i < saved.size(); i++) {
            if (!saved.get(i).contentEquals(parameters.get(i).getArray())) {
                return false;
            }
        }
        return true;
    }

    /** Reads a checkpoint's parameters onto a scratch manager, checking their number and shapes against a block's. */
    static NDList readParameters(Path checkpoint, Block block, NDManager scratch) throws IOException {
        List<Parameter> parameters = block.getParameters().values();
        Path file = checkpoint.resolve(PARAMETERS);
        NDList saved;
        try (InputStream in = Files.newInputStream(file)) {
            saved = NDList.decode(scratch, in);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid parameter file: " + e.getMessage(), e);
        }
        if (saved.size() != parameters.size()) {
            throw new IOException(file + " holds " + saved.size() + " parameter arrays but this model has "
                    + parameters.size() + "; resume needs the same network");
        }
        for (int i = 0; i < saved.size(); i++) {
            Shape shape = parameters.get(i).getArray().getShape();
            if (!saved.get(i).getShape().equals(shape)) {
                throw new IOException(file + ": parameter " + parameters.get(i).getName() + " has shape "
                        + saved.get(i).getShape() + " in the checkpoint but " + shape + " in this model");
            }
        }
        return saved;
    }

    /**
     * Loads one of a checkpoint's array files, if it has it.
     *
     * @param checkpoint the checkpoint's directory
     * @param name one of {@link #ARRAY_FILES}
     * @param manager owns the loaded arrays
     */
    static Optional<NDList> load(Path checkpoint, String name, NDManager manager) throws IOException {
        if (!ARRAY_FILES.contains(name)) {
            throw new IllegalArgumentException("array file '" + name + "' is not one of " + ARRAY_FILES);
        }
        return loadList(checkpoint.resolve(name + ".ndlist"), manager);
    }

    private static Optional<NDList> loadList(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(NDList.decode(manager, in));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid array file: " + e.getMessage(), e);
        }
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

    private static void deleteRecursively(Path path) throws IOException {
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
