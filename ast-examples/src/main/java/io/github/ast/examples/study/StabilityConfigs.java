package io.github.ast.examples.study;

import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.ConfigPresets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The configurations the stability study compares: the published system as the blog post describes it, with each of
 * its authors' code's choices alone and all of them together ({@code published-code}), one more suspect (pooled
 * full-size steps, against the optimiser state under 13-row steps), and the plain DJL step.
 */
final class StabilityConfigs {

    /** The study's configurations by label, each with what it is. */
    private static final Map<String, Entry> CONFIGS = new LinkedHashMap<>();

    /** A configuration and its description. */
    record Entry(String description, Supplier<AstConfigBuilder> builder) {}

    static {
        CONFIGS.put("published", new Entry("the blog post's system (every default)",
                () -> ConfigPresets.builder("published")));
        CONFIGS.put("clip", new Entry("published, gradients clipped to a global norm of 1",
                () -> ConfigPresets.builder("published").clipNorm(1)));
        CONFIGS.put("sundew", new Entry("published with the authors' gate (probabilistic above the threshold, "
                + "within an energy budget)", () -> ConfigPresets.builder("published").gate("sundew")));
        CONFIGS.put("authors-controller", new Entry("published with the authors' controller: the cumulative "
                + "activation rate, their gains in their units", () -> authorsController(
                        ConfigPresets.builder("published"))));
        CONFIGS.put("published-code", new Entry("all of the authors' code's choices together (the preset)",
                () -> ConfigPresets.builder("published-code")));
        CONFIGS.put("pooled", new Entry("published, the selected rows pooled into steps of a full batch",
                () -> ConfigPresets.builder("published").backwardBatch(1)));
        CONFIGS.put("plain", new Entry("every row, the plain DJL step (auto without candidates)",
                () -> AstConfig.builder().policy("auto").setting("policy.candidates", "none")));
    }

    private StabilityConfigs() {}

    /** The authors' controller settings, as the {@code published-code} preset holds them. */
    private static AstConfigBuilder authorsController(AstConfigBuilder builder) {
        ConfigPresets.all().get("published-code").forEach((key, value) -> {
            if (key.startsWith("controller.")) {
                builder.setting(key, value);
            }
        });
        return builder;
    }

    /** {@return every label, in the study's order} */
    static List<String> labels() {
        return List.copyOf(CONFIGS.keySet());
    }

    /**
     * Returns a configuration's builder.
     *
     * @param label a label of {@link #labels()}
     * @param batch the batch size, for pooled steps
     * @return a new builder
     * @throws IllegalArgumentException naming the label and the known ones
     */
    static AstConfigBuilder builder(String label, int batch) {
        AstConfigBuilder builder = entry(label).builder().get();
        return builder.build().steps().backwardBatch() > 0 ? builder.backwardBatch(batch) : builder;
    }

    /** {@return what a configuration is} */
    static String description(String label) {
        return entry(label).description();
    }

    private static Entry entry(String label) {
        Entry entry = CONFIGS.get(label);
        if (entry == null) {
            throw new IllegalArgumentException("--configs " + label + " is unknown; known: " + CONFIGS.keySet());
        }
        return entry;
    }
}
