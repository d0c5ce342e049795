package io.github.ast.spark;

import io.github.ast.api.ConfigurationException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The epoch-level selection rules a cluster can apply: each needs one figure of the whole epoch (computed across
 * partitions, never per partition) before it decides for a row.
 */
public enum EpochPolicy {

    /** The {@code ast.targetRate} share of the epoch with the highest scores, weight 1: a global quantile. */
    TOP_RATE("top-rate"),

    /** Every row scoring at least {@code ast.spark.threshold}, weight 1: a global threshold. */
    THRESHOLD("threshold"),

    /**
     * InfoBatch (Qin et al., ICLR 2024): rows whose loss is below the epoch's mean loss are dropped with probability
     * {@code ast.spark.pruneRatio}; the kept ones of that group train with weight {@code 1 / (1 - pruneRatio)}.
     */
    INFOBATCH("infobatch");

    private final String configName;

    EpochPolicy(String configName) {
        this.configName = configName;
    }

    /** {@return the name users write in {@code ast.spark.policy}} */
    public String configName() {
        return configName;
    }

    /**
     * Finds a policy by its configuration name.
     *
     * @param name the name
     * @return the policy
     * @throws ConfigurationException listing the available names
     */
    public static EpochPolicy of(String name) {
        for (EpochPolicy policy : values()) {
            if (policy.configName.equals(name)) {
                return policy;
            }
        }
        throw new ConfigurationException("Unknown ast.spark.policy '" + name + "'; available: "
                + Arrays.stream(values()).map(EpochPolicy::configName).collect(Collectors.joining(", ")));
    }
}
