package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import io.github.ast.api.spi.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A weighted sum of any named scorers, each normalised relative to its batch mean ({@code clamp(x/mean, 0, 2)/2},
 * finite for batches of one and all-equal scores), weights divided by their sum; in [0, 1].
 *
 * <p>Lets users combine signals (say loss and entropy) from configuration alone, for example
 * {@code ast.scorer.components=loss:0.6,entropy:0.4}. Components are found through the same SPI as every scorer,
 * so plugin scorers can be components too; they are created with default settings.
 */
public final class CompositeScorer implements Scorer {

    private final List<Scorer> components;
    private final float[] weights;

    /**
     * Creates the composite.
     *
     * @param components scorers with their weights, finite and non-negative, not all zero
     */
    public CompositeScorer(Map<Scorer, Double> components) {
        if (components.isEmpty()) {
            throw new ConfigurationException("a composite scorer needs at least one component");
        }
        double total = 0;
        for (double w : components.values()) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new ConfigurationException("component weight " + w + " must be finite and >= 0");
            }
            total += w;
        }
        if (total == 0) {
            throw new ConfigurationException("component weights are all 0; at least one must be > 0");
        }
        this.components = new ArrayList<>(components.keySet());
        this.weights = new float[components.size()];
        int i = 0;
        for (double w : components.values()) {
            weights[i++] = (float) (w / total);
        }
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray sum = null;
        for (int i = 0; i < components.size(); i++) {
            NDArray term = Normalisation.relativeToMean(components.get(i).score(batch)).mul(weights[i]);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /**
     * The composite's settings.
     *
     * @param components the scorers and their weights, {@code name:weight} pairs separated by commas; required
     */
    public record Options(@Option(description = "required: the scorers and their weights as name:weight pairs "
            + "separated by commas, for example `loss:0.6,entropy:0.4`; components use their default settings")
            String components) {

        /** No components: the composite refuses to be created without them. */
        public static final Options DEFAULTS = new Options("");
    }

    /** Creates {@link CompositeScorer} under the name {@code composite}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "composite";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Scorer create(PluginContext context) {
            String key = context.settings().prefix() + "components";
            String spec = context.options(Options.class).components();
            if (spec.isEmpty()) {
                throw new ConfigurationException(key + " is required, for example loss:0.7,intensity:0.3");
            }
            Map<String, ScorerFactory> available = new TreeMap<>();
            ServiceLoader.load(ScorerFactory.class, CompositeScorer.class.getClassLoader())
                    .forEach(f -> available.put(f.name(), f));
            available.remove(name());
            Map<Scorer, Double> components = new LinkedHashMap<>();
            for (String part : spec.split(",")) {
                String[] pair = part.trim().split(":");
                if (pair.length != 2) {
                    throw new ConfigurationException(key + "='" + spec + "': '" + part.trim()
                            + "' is not name:weight");
                }
                ScorerFactory factory = available.get(pair[0].trim());
                if (factory == null) {
                    throw new ConfigurationException(key + ": unknown scorer '" + pair[0].trim() + "'; available: "
                            + available.keySet());
                }
                double weight;
                try {
                    weight = Double.parseDouble(pair[1].trim());
                } catch (NumberFormatException e) {
                    throw new ConfigurationException(key + ": weight '" + pair[1].trim() + "' of '" + pair[0].trim()
                            + "' is not a number");
                }
                components.put(factory.create(context.withSettings(Settings.empty())), weight);
            }
            return new CompositeScorer(components);
        }
    }
}
