package io.github.ast.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.api.spi.EnergyMeterFactory;
import io.github.ast.api.spi.OptionsBinder;
import io.github.ast.api.spi.PluginFactory;
import io.github.ast.api.spi.Settings;
import io.github.ast.core.AstConfigCodec;
import io.github.ast.core.PluginRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The committed configuration reference is what the plugins declare, and every declaration binds. */
class ConfigurationDocTest {

    private static final Path COMMITTED = Path.of("..", "docs", "configuration.md");

    @Test
    void theCommittedReferenceIsUpToDate() throws IOException {
        String generated = ConfigurationDoc.markdown(getClass().getClassLoader());
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale; regenerate it with "
                        + "`java -jar ast-examples/target/ast.jar configuration --out docs/configuration.md`")
                .isEqualTo(generated);
    }

    @Test
    void everyPluginSettingIsListedWithItsDefault() {
        String generated = ConfigurationDoc.markdown(getClass().getClassLoader());
        assertThat(generated)
                .contains("| `ast.controller.kp` | `adaptive-pi`, `pi`, `pid` | number | `0.0015` |")
                .contains("| `ast.scorer.mode` | `margin` | `true-class` or `top2` | `true-class` |")
                .contains("| `ast.meter.includeDram` | `rapl` | `true` or `false` | `true` |")
                .contains("| `ast.scorer.components` | `composite` | text | — |")
                .contains("Without settings: `entropy`, `gradnorm`, `intensity`, `loss`, `random`, `reducible-loss`.")
                .contains("| `ast.targetRate` | number | `0.1` |",
                        "| `ast.selection` | `fresh` or `history` or `stale` | `fresh` |",
                        "| `ast.targetStart` | number | — |", "| `ast.energyCompare` | text | `unit,flops` |")
                .doesNotContain("TODO: the core keys");
        for (Class<? extends Record> group : AstConfigCodec.GROUPS) {
            for (String key : OptionsBinder.keys(group)) {
                assertThat(generated).contains("| `ast." + key + "` |");
            }
        }
        for (String kind : PluginRegistry.KINDS.keySet()) {
            for (PluginFactory<?> factory : ServiceLoader.load(PluginRegistry.KINDS.get(kind))) {
                for (String key : factory.settingKeys()) {
                    assertThat(generated).as(kind + " " + factory.name())
                            .containsAnyOf("`ast." + kind + "." + key + "`", "`" + key + "`");
                }
            }
        }
    }

    @Test
    void everyOptionsRecordBindsItsDefaultsAsWrittenInTheReference() {
        List<Class<? extends Record>> types = new ArrayList<>();
        PluginRegistry.KINDS.values()
                .forEach(kind -> ServiceLoader.load(kind).forEach(factory -> types.add(factory.optionsType())));
        ServiceLoader.load(EnergyMeterFactory.class).forEach(f -> types.add(f.optionsType()));
        types.addAll(AstConfigCodec.GROUPS);
        for (Class<? extends Record> type : types) {
            Map<String, String> written = new TreeMap<>();
            // An empty default is an unset one: an optional number, or an empty text.
            OptionsBinder.describe(type).stream().filter(o -> !o.defaultValue().isEmpty())
                    .forEach(o -> written.put(o.key(), o.defaultValue()));
            Record defaults = OptionsBinder.bind(type, Settings.empty());
            assertThat(OptionsBinder.bind(type, Settings.of("ast.x.", written))).as(type.getName()).isEqualTo(defaults);
        }
    }
}
