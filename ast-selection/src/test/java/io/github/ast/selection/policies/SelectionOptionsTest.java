package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.spi.GateFactory;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.PluginFactory;
import io.github.ast.api.spi.SelectionPolicyFactory;
import io.github.ast.api.spi.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gates' and policies' keys and defaults, as their options records declare them: the table users configure by,
 * which the records must keep.
 */
class SelectionOptionsTest {

    private static Map<String, Map<String, String>> table(Class<? extends PluginFactory<?>> kind) {
        Map<String, Map<String, String>> table = new TreeMap<>();
        for (PluginFactory<?> factory : ServiceLoader.load(kind)) {
            Map<String, String> defaults = new LinkedHashMap<>();
            OptionsBinder.describe(factory.optionsType()).forEach(o -> defaults.put(o.key(), o.defaultValue()));
            assertThat(factory.settingKeys()).as(factory.name()).isEqualTo(defaults.keySet());
            table.put(factory.name(), defaults);
        }
        return table;
    }

    @Test
    void gatesKeepTheirKeysAndDefaults() {
        assertThat(table(GateFactory.class)).isEqualTo(Map.of("threshold", Map.of(), "probabilistic",
                Map.of("temperature", "0.05"), "top-k", Map.of(), "random", Map.of(), "sundew",
                Map.of("temperature", "0.15", "capacity", "100", "cost", "10", "regenMin", "1", "regenMax", "3")));
    }

    @Test
    void policiesKeepTheirKeysAndDefaults() {
        Map<String, String> shared = Map.of("mix", "0.2", "momentum", "0.9", "maxWeight", "5", "costRatio",
                "measured", "score", "loss");
        Map<String, String> importance = new TreeMap<>(shared);
        importance.putAll(Map.of("presample", "3", "normalise", "false", "switch", "true"));
        Map<String, String> auto = Map.of("final", "0.125", "candidates", "prune@0.3,prune@0.5,sb@1", "window",
                "200", "holdout", "1024", "margin", "0.05", "hold", "20", "park", "20");
        assertThat(table(SelectionPolicyFactory.class)).isEqualTo(Map.of(
                "all", Map.of(),
                "uniform", Map.of(),
                "gated", Map.of("maxWeight", "5", "scoreAtFullTarget", "false"),
                "selective-backprop", Map.of("beta", "1", "window", "1024"),
                "rho-loss", Map.of("mode", "soft", "beta", "1", "window", "1024", "randomScores", "false",
                        "referenceEpochs", "0"),
                "importance", importance,
                "auto", auto));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "measured|NaN",
        "0|0.0",
        " 0.5 |0.5",
        "1e1|10.0"})
    void aCostRatioIsMeasuredOrANumber(String written, double fixed) {
        ImportanceOptions bound = OptionsBinder.bind(ImportanceOptions.class,
                Settings.of("ast.policy.", Map.of("costRatio", written)));
        assertThat(Double.valueOf(bound.fixedCostRatio())).isEqualTo(Double.valueOf(fixed));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-1|ast.policy.costRatio=-1.0 is invalid; it must be 'measured' or a number >= 0",
        "NaN|ast.policy.costRatio=NaN is invalid; it must be 'measured' or a number >= 0",
        "Infinity|ast.policy.costRatio=Infinity is invalid; it must be 'measured' or a number >= 0",
        "Measured|ast.policy.costRatio=Measured is invalid; it must be 'measured' or a number >= 0"})
    void anyOtherCostRatioIsRefusedNamingTheKey(String written, String message) {
        assertThatThrownBy(() -> OptionsBinder.bind(ImportanceOptions.class,
                Settings.of("ast.policy.", Map.of("costRatio", written)))).hasMessage(message);
    }
}
