package io.github.ast.spark;

import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.core.Provenance;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where a selection came from, written as {@value #FILE} beside its Parquet files: the model version that scored it,
 * the configuration, the policy's cut, the counts and the software. The trainer checks it when it reads the selection
 * ({@link SparkSelection#read}), so an epoch never trains on rows another model or configuration chose.
 *
 * @param modelVersion the scoring model's version ({@link ScoringModel#version()})
 * @param blockFactory the class that built the network
 * @param configuration the {@code ast.*} properties
 * @param cut the figure the policy stood on
 * @param rows rows scored
 * @param selected rows selected
 * @param software AST, DJL, engine and Java versions of the driver
 * @param sparkVersion the Spark version
 * @param created when the selection was written
 */
public record SelectionProvenance(String modelVersion, String blockFactory, Map<String, String> configuration,
        String cut, long rows, long selected, Provenance software, String sparkVersion, String created) {

    /** The provenance file's name; Spark's readers skip names starting with an underscore. */
    public static final String FILE = "_ast_selection.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    static SelectionProvenance of(ScoringModel model, SparkScoringConfig config, EpochCut cut, long rows,
            long selected, SparkSession spark) {
        return new SelectionProvenance(model.version(), model.factoryName(), new TreeMap<>(config.toProperties()),
                cut.describe(), rows, selected, Provenance.of(Engine.getEngine(model.engine())), spark.version(),
                Instant.now().toString());
    }

    void write(FileSystem fs, Path directory) {
        try (Writer out = new OutputStreamWriter(fs.create(new Path(directory, FILE), false), StandardCharsets.UTF_8)) {
            GSON.toJson(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the selection's provenance to " + directory, e);
        }
    }

    static SelectionProvenance read(FileSystem fs, Path directory) {
        Path file = new Path(directory, FILE);
        try (Reader in = new InputStreamReader(fs.open(file), StandardCharsets.UTF_8)) {
            SelectionProvenance read = GSON.fromJson(in, SelectionProvenance.class);
            if (read == null || read.modelVersion() == null || read.configuration() == null) {
                throw new ConfigurationException(file + " is not a selection's provenance");
            }
            return read;
        } catch (FileNotFoundException e) {
            throw new ConfigurationException(directory + " holds no " + FILE + ": it is not a selection written by "
                    + "SparkScoring.select, or it was not finished");
        } catch (IOException | JsonParseException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Checks that this selection was made by a model version and a configuration that selects alike
     * ({@link SparkScoringConfig#selectionProperties}).
     *
     * @param expectedModel the version the trainer's model has now
     * @param expectedConfig the configuration the trainer expects
     * @throws ConfigurationException naming what differs
     */
    public void require(String expectedModel, SparkScoringConfig expectedConfig) {
        if (!modelVersion.equals(expectedModel)) {
            throw new ConfigurationException("the selection was scored by model version " + modelVersion
                    + " but the model is at version " + expectedModel + "; score this version first");
        }
        Map<String, String> expected = expectedConfig.selectionProperties();
        Map<String, String> recorded = SparkScoringConfig.fromProperties(properties(configuration))
                .selectionProperties();
        if (!expected.equals(recorded)) {
            Set<String> keys = new TreeSet<>(expected.keySet());
            keys.addAll(recorded.keySet());
            Map<String, String> differences = new TreeMap<>();
            for (String key : keys) {
                if (!Objects.equals(recorded.get(key), expected.get(key))) {
                    differences.put(key, recorded.get(key) + " in the selection, " + expected.get(key)
                            + " expected");
                }
            }
            throw new ConfigurationException("the selection was made with another configuration: " + differences);
        }
    }

    private static java.util.Properties properties(Map<String, String> map) {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(map);
        return properties;
    }
}
