package io.github.ast.spark;

import io.github.ast.api.ConfigurationException;
import io.github.ast.core.AstConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a cluster scoring run is configured by: the trainer's own {@code ast.*} keys for the scorer and its
 * settings, the target rate and the seed, plus {@code ast.spark.*} for what only the cluster does.
 *
 * @param ast the trainer's configuration: {@code ast.scorer}, {@code ast.scorer.*}, {@code ast.targetRate} and
 *     {@code ast.seed} are read
 * @param policy {@code ast.spark.policy}: the epoch-level selection rule
 * @param threshold {@code ast.spark.threshold}: the global threshold of {@link EpochPolicy#THRESHOLD}, finite; NaN
 *     (unset) for the other policies
 * @param pruneRatio {@code ast.spark.pruneRatio}: InfoBatch's drop probability, in [0, 1)
 * @param batchSize {@code ast.spark.batch}: about how many rows a scoring batch holds, >= 1 (a batch-relative scorer
 *     normalises within it)
 */
public record SparkScoringConfig(AstConfig ast, EpochPolicy policy, double threshold, double pruneRatio,
        int batchSize) {

    /** The prefix of the keys only the cluster reads. */
    public static final String PREFIX = "ast.spark.";

    /**
     * Validates the values, naming the key of a bad one.
     *
     * @param ast the trainer's configuration
     * @param policy the selection rule
     * @param threshold the global threshold, finite with {@link EpochPolicy#THRESHOLD}, else NaN
     * @param pruneRatio InfoBatch's drop probability, in [0, 1)
     * @param batchSize rows per scoring batch, >= 1
     */
    public SparkScoringConfig {
        if (ast == null || policy == null) {
            throw new ConfigurationException("ast and ast.spark.policy must be set");
        }
        if (policy == EpochPolicy.THRESHOLD && !Double.isFinite(threshold)) {
            throw new ConfigurationException("ast.spark.policy=threshold needs a finite ast.spark.threshold, got "
                    + threshold);
        }
        if (policy != EpochPolicy.THRESHOLD && !Double.isNaN(threshold)) {
            throw new ConfigurationException("ast.spark.threshold=" + threshold + " is read by ast.spark.policy="
                    + "threshold only, not by " + policy.configName());
        }
        if (!(pruneRatio >= 0 && pruneRatio < 1)) {
            throw new ConfigurationException("ast.spark.pruneRatio=" + pruneRatio + " must be in [0, 1)");
        }
        if (batchSize < 1) {
            throw new ConfigurationException("ast.spark.batch=" + batchSize + " must be >= 1");
        }
    }

    /**
     * Reads {@code ast.*} properties: {@code ast.spark.policy} (default infobatch: its weights keep the epoch's loss
     * unbiased and every above-mean row trains), {@code ast.spark.threshold}, {@code ast.spark.pruneRatio} (default
     * 0.5), {@code ast.spark.batch} (default 128), and the rest as {@link AstConfig#fromProperties}.
     *
     * @param properties the properties
     * @return the configuration
     * @throws ConfigurationException on an unknown key or a bad value, naming it
     */
    public static SparkScoringConfig fromProperties(Properties properties) {
        Properties rest = new Properties();
        Map<String, String> spark = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                spark.put(name.substring(PREFIX.length()), properties.getProperty(name).trim());
            } else {
                rest.setProperty(name, properties.getProperty(name));
            }
        }
        EpochPolicy policy = EpochPolicy.of(spark.getOrDefault("policy", EpochPolicy.INFOBATCH.configName()));
        double threshold = spark.containsKey("threshold") ? parse("threshold", spark.get("threshold")) : Double.NaN;
        double pruneRatio = spark.containsKey("pruneRatio") ? parse("pruneRatio", spark.get("pruneRatio")) : 0.5;
        double batch = spark.containsKey("batch") ? parse("batch", spark.get("batch")) : 128;
        if (batch != Math.rint(batch) || batch > Integer.MAX_VALUE) {
            throw new ConfigurationException("ast.spark.batch=" + spark.get("batch") + " must be a whole number");
        }
        if (spark.containsKey("pruneRatio") && policy != EpochPolicy.INFOBATCH) {
            throw new ConfigurationException("ast.spark.pruneRatio=" + spark.get("pruneRatio") + " is read by "
                    + "ast.spark.policy=infobatch only, not by " + policy.configName());
        }
        spark.keySet().removeAll(List.of("policy", "threshold", "pruneRatio", "batch"));
        if (!spark.isEmpty()) {
            throw new ConfigurationException("Unknown property " + PREFIX + spark.keySet().iterator().next()
                    + "; known: ast.spark.policy, ast.spark.threshold, ast.spark.pruneRatio, ast.spark.batch");
        }
        return new SparkScoringConfig(AstConfig.fromProperties(rest), policy, threshold, pruneRatio, (int) batch);
    }

    private static double parse(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(PREFIX + key + "=" + value + " is not a number");
        }
    }

    /**
     * Returns the configuration as properties, the inverse of {@link #fromProperties}: what a selection records as
     * its provenance.
     *
     * @return the properties in key order
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>(ast.toProperties());
        p.put(PREFIX + "policy", policy.configName());
        if (policy == EpochPolicy.THRESHOLD) {
            p.put(PREFIX + "threshold", Double.toString(threshold));
        }
        if (policy == EpochPolicy.INFOBATCH) {
            p.put(PREFIX + "pruneRatio", Double.toString(pruneRatio));
        }
        p.put(PREFIX + "batch", Integer.toString(batchSize));
        return p;
    }

    /**
     * Returns the properties that decide which rows are selected and with what weight: the scorer and its settings,
     * the seed, the target rate (for top-rate), and {@code ast.spark.*}; what a selection's provenance is checked
     * against. The trainer's other keys (gate, controller, energy) do not change a selection.
     *
     * @return those properties, in key order
     */
    public Map<String, String> selectionProperties() {
        Map<String, String> selecting = new TreeMap<>();
        toProperties().forEach((key, value) -> {
            if (key.startsWith(PREFIX) || key.equals("ast.scorer") || key.startsWith("ast.scorer.")
                    || key.equals("ast.seed") || (key.equals("ast.targetRate") && policy == EpochPolicy.TOP_RATE)) {
                selecting.put(key, value);
            }
        });
        return selecting;
    }

    /**
     * Returns these properties as {@link Properties}, for executors to rebuild the configuration from.
     *
     * @return the properties
     */
    Properties asProperties() {
        Properties p = new Properties();
        p.putAll(toProperties());
        return p;
    }
}
