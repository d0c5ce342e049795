package io.github.ast.examples.benchmark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's durable record: {@code runs.jsonl}, a first line with the setup every run shares, then one line per
 * finished (arm, seed) run, appended and forced to disk as each run ends. A benchmark of hours therefore survives
 * being stopped: {@code --resume} reads what finished and runs only the rest. A run interrupted while its line was
 * written leaves a partial last line, which resuming cuts off (that run is redone).
 */
final class RunLog {

    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
    static final String FILE = "runs.jsonl";
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Path file;
    private final JsonObject setup;
    private final List<RunRecord> runs;

    private RunLog(Path file, JsonObject setup, List<RunRecord> runs) {
        this.file = file;
        this.setup = setup;
        this.runs = runs;
    }

    /**
     * Opens the log in a directory: a new one, or with {@code resume} the existing one, whose setup must equal this
     * one's (arms and seeds aside, so a benchmark can be extended), except for the processor model: a benchmark may
     * continue on another model, seed by seed ({@link #requireOneProcessorModel}).
     *
     * @param directory the output directory
     * @param setup what every run shares; its {@code identity} member is compared on resume
     * @param resume whether to continue an existing log
     * @return the log
     * @throws IOException if the file cannot be read or written
     * @throws IllegalArgumentException if a log exists and resume is off, or its setup differs
     */
    static RunLog open(Path directory, Map<String, Object> setup, boolean resume) throws IOException {
        Path file = directory.resolve(FILE);
        // Through text and back, so that it compares as a line read from the file does (a float setting such as
        // the learning rate is written as its shortest decimal and read back as that double).
        JsonObject wanted = JsonParser.parseString(GSON.toJson(setup)).getAsJsonObject();
        if (!Files.exists(file)) {
            Files.createDirectories(directory);
            appendLine(file, GSON.toJson(wanted));
            return new RunLog(file, wanted, new ArrayList<>());
        }
        if (!resume) {
            throw new IllegalArgumentException(file + " already holds a benchmark; continue it with --resume, or choose "
                    + "another --out");
        }
        RunLog existing = read(file, true);
        JsonElement had = existing.setup.get("identity");
        JsonElement now = wanted.get("identity");
        if (!Objects.equals(withoutProcessorModel(had), withoutProcessorModel(now))) {
            throw new IllegalArgumentException(file + " was written by another setup; it cannot be resumed with this "
                    + "one.\n  written: " + had + "\n  now:     " + now + "\nUse the same options, or another --out");
        }
        return existing;
    }

    /**
     * Reads a log; a partial last line (an interrupted write, or a run being written right now) is ignored, and with
     * {@code repair} cut off so that appending can continue.
     *
     * @param file the runs.jsonl file
     * @param repair whether to cut off a partial last line; only for a log this process will append to
     * @return the log
     * @throws IOException if it cannot be read, or a line other than the last is corrupt
     */
    static RunLog read(Path file, boolean repair) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int complete = text.lastIndexOf('\n') + 1;
        if (complete < text.length() && repair) {
            LOG.warn("{}: cut off a partial last line of {} bytes (a run interrupted while it was written; it will "
                    + "be run again)", file, text.length() - complete);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length);
            }
        }
        String[] lines = text.substring(0, complete).split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new IOException(file + " is empty: it holds no setup line");
        }
        JsonObject setup;
        List<RunRecord> runs = new ArrayList<>();
        try {
            setup = JsonParser.parseString(lines[0]).getAsJsonObject();
            for (int i = 1; i < lines.length; i++) {
                runs.add(GSON.fromJson(lines[i], RunRecord.class));
            }
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + " is corrupt before its last line: " + e.getMessage(), e);
        }
        return new RunLog(file, setup, runs);
    }

    private static JsonElement withoutProcessorModel(JsonElement identity) {
        if (identity == null || !identity.isJsonObject()) {
            return identity;
        }
        JsonObject copy = identity.getAsJsonObject().deepCopy();
        if (copy.has("machine") && copy.get("machine").isJsonObject()) {
            copy.getAsJsonObject("machine").remove("cpu");
        }
        return copy;
    }

    /**
     * Refuses to time a seed on a processor model other than the one its finished runs were timed on: a paired ratio
     * compares the arms of one seed, so they must share a machine. New seeds may run on any model.
     *
     * @param seed the seed about to run
     * @param model the processor model here, as {@code machine.cpu} of the setup names it
     * @throws IllegalArgumentException if a finished run of the seed was timed on another model
     */
    void requireOneProcessorModel(long seed, String model) {
        List<RunRecord> elsewhere = runs.stream().filter(r -> r.seed() == seed)
                .filter(r -> !processorModel(r).equals(model)).toList();
        if (!elsewhere.isEmpty()) {
            String models = String.join(" and ", elsewhere.stream().map(this::processorModel).distinct().toList());
            throw new IllegalArgumentException(file + ": seed " + seed + " has " + elsewhere.size() + " run(s) timed "
                    + "on " + models + "; its other arms can only be timed there, since a paired ratio compares the "
                    + "arms of one seed (this processor: " + model + "). Finish it there, or run seeds without a "
                    + "finished run here with --first-seed and --seeds");
        }
    }

    /** The processor model a run was timed on: its record's, or for runs recorded before runs named it, the log's. */
    private String processorModel(RunRecord run) {
        if (run.processor() == null) {
            JsonElement machine = setup.getAsJsonObject("identity").get("machine");
            return machine != null && machine.getAsJsonObject().has("cpu")
                    ? machine.getAsJsonObject().get("cpu").getAsString() : "a processor not recorded";
        }
        int extension = run.processor().lastIndexOf(", ");
        return extension < 0 ? run.processor() : run.processor().substring(0, extension);
    }

    /** {@return whether a run of this arm and seed finished} */
    boolean has(String arm, long seed) {
        return runs.stream().anyMatch(r -> r.arm().equals(arm) && r.seed() == seed);
    }

    /**
     * Appends a finished run and forces it to disk.
     *
     * @param run the run
     * @throws IOException if it cannot be written
     */
    void append(RunRecord run) throws IOException {
        appendLine(file, GSON.toJson(run));
        runs.add(run);
    }

    /** {@return the finished runs, in the order they finished} */
    List<RunRecord> runs() {
        return List.copyOf(runs);
    }

    /** {@return the log's file} */
    Path file() {
        return file;
    }

    /** {@return the setup line} */
    JsonObject setup() {
        return setup.deepCopy();
    }

    private static void appendLine(Path file, String json) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.force(true);
        }
    }
}
