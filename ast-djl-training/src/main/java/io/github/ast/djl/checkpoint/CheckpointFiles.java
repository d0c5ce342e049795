package io.github.ast.djl.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one checkpoint directory, how they are verified and how they are read back: {@code state.json} (the
 * {@link CheckpointState}, JSON), {@code model.params} (the block's parameters in {@code block.getParameters()} order)
 * and {@code <name>.ndlist} for each named array list (both {@link NDList#encode}d), with
 * {@link CheckpointChecksums#FILE}. Reading checks what it can against the model, so a checkpoint of another network
 * fails naming the parameter instead of training wrongly.
 */
public final class CheckpointFiles {

    static final String STATE = "state.json";
    static final String PARAMETERS = "model.params";
    private static final String ARRAYS = ".ndlist";
    private static final Pattern ARRAY_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private CheckpointFiles() {}

    /**
     * Reads a checkpoint's state, failing clearly on a damaged file.
     *
     * @param <S> the state's type
     * @param checkpoint the checkpoint's directory
     * @param type the state's class, as it was written
     * @return the state
     * @throws IOException if {@code state.json} is missing, not UTF-8, not valid JSON or not {@link
     *     CheckpointState#complete}
     */
    public static <S extends CheckpointState> S readState(Path checkpoint, Class<S> type) throws IOException {
        Path file = checkpoint.resolve(STATE);
        try {
            S state = GSON.fromJson(readUtf8(file), type);
            if (state == null || !state.complete()) {
                throw new IOException(file + " is incomplete");
            }
            return state;
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a valid checkpoint state: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a checkpoint's parameters, checking their number and shapes against a block's; {@link #copyInto} then
     * restores them.
     *
     * @param checkpoint the checkpoint's directory
     * @param block the model's block, initialised
     * @param scratch owns the arrays read
     * @return the parameters, in {@code block.getParameters()} order
     * @throws IOException if the file cannot be read or does not fit the block
     */
    public static NDList readParameters(Path checkpoint, Block block, NDManager scratch) throws IOException {
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
     * Copies parameters read by {@link #readParameters} into a block's existing arrays, in place: a DJL trainer keeps
     * references to those arrays, so replacing them (as {@code Block.loadParameters} does) would leave it training
     * the old ones.
     *
     * @param block the block read for
     * @param saved what {@link #readParameters} returned
     */
    public static void copyInto(Block block, NDList saved) {
        List<Parameter> parameters = block.getParameters().values();
        for (int i = 0; i < saved.size(); i++) {
            saved.get(i).copyTo(parameters.get(i).getArray());
        }
    }

    /**
     * Returns whether a block's parameters hold exactly the values read by {@link #readParameters}.
     *
     * @param block the block read for
     * @param saved what {@link #readParameters} returned
     * @return true if every parameter equals its saved value
     */
    public static boolean holds(Block block, NDList saved) {
        List<Parameter> parameters = block.getParameters().values();
        for (int i = 0; i < saved.size(); i++) {
            if (!saved.get(i).contentEquals(parameters.get(i).getArray())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads one of a checkpoint's named array lists, if it has it.
     *
     * @param checkpoint the checkpoint's directory
     * @param name the name it was saved under
     * @param manager owns the loaded arrays
     * @return the arrays, or empty if the checkpoint has none of that name
     * @throws IOException if the file cannot be read or decoded
     */
    public static Optional<NDList> load(Path checkpoint, String name, NDManager manager) throws IOException {
        Path file = checkpoint.resolve(arrayFile(name));
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
     * Returns a checkpoint after checking that it is complete and verifying its checksums; one without checksums
     * passes, with a warning, only if its state records no run id (an earlier version wrote it).
     *
     * @param namedBy what named the checkpoint, for the error
     */
    static Path verified(Path checkpoint, String namedBy, Class<? extends CheckpointState> type) throws IOException {
        if (!Files.isRegularFile(checkpoint.resolve(STATE)) || !Files.isRegularFile(checkpoint.resolve(PARAMETERS))) {
            throw new IOException("checkpoint " + checkpoint + " named by " + namedBy + " is incomplete: it needs "
                    + STATE + " and " + PARAMETERS);
        }
        if (CheckpointChecksums.recorded(checkpoint)) {
            CheckpointChecksums.verify(checkpoint);
        } else if (readState(checkpoint, type).runId() != null) {
            // Written by this version, which always records checksums: the file was removed.
            throw new IOException("checkpoint " + checkpoint + " has no " + CheckpointChecksums.FILE + " although it "
                    + "was written with one: its files cannot be verified");
        } else {
            LOG.warn("Checkpoint {} records no checksums (written by an earlier version): its files are not verified",
                    checkpoint);
        }
        return checkpoint;
    }
    /** Returns the file name of a named array list, rejecting names that are not plain file-name words. */
    static String arrayFile(String name) {
        if (!ARRAY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("array list name '" + name + "' must be letters, digits, '_' or '-'");
        }
        return name + ARRAYS;
    }

    /** Writes a checkpoint's files into a new directory: the state, the block's parameters and the array lists. */
    static void write(Path checkpoint, CheckpointState state, Block block, Map<String, NDList> arrays)
            throws IOException {
        Files.writeString(checkpoint.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
        NDList parameters = new NDList();
        block.getParameters().values().forEach(p -> parameters.add(p.getArray()));
        write(checkpoint.resolve(PARAMETERS), parameters);
        for (Map.Entry<String, NDList> file : arrays.entrySet()) {
            write(checkpoint.resolve(arrayFile(file.getKey())), file.getValue());
        }
    }

    private static void write(Path file, NDList arrays) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            arrays.encode(out);
        }
    }

    /** Flushes a file or directory to the disk; directories only where the platform allows it. */
    static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
        }
    }

    /** Reads a text file, naming it when it is not UTF-8. */
    static String readUtf8(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not valid UTF-8 text (" + e + ")", e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
