package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.ConfigurationException;
import org.junit.jupiter.api.Test;

class PluginWiringTest {

    private final PluginRegistry registry = PluginRegistry.load(getClass().getClassLoader());

    @Test
    void serviceLoaderFindsEveryBuiltInPlugin() {
        assertThat(registry.names("scorer")).contains("loss", "intensity", "loss-intensity", "margin", "entropy",
                "gradnorm", "reducible-loss", "composite");
        assertThat(registry.names("gate")).contains("threshold", "probabilistic", "top-k", "random");
        assertThat(registry.names("controller")).contains("pi", "pid");
        assertThat(registry.names("energy")).contains("unit", "forward-backward");
    }

    @Test
    void unknownNamesListWhatIsAvailable() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().scorer("grad-norm").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown scorer 'grad-norm' (ast.scorer); available: " + registry.names("scorer"));
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().controller("bang-bang").build()))
                .hasMessageContaining("available: [adaptive-pi, pi, pid");
    }

    @Test
    void unknownAndInvalidSettingsFailAtLoadTime() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(
                AstConfig.builder().setting("controller.kpp", "0.1").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Unknown setting ast.controller.kpp for 'pi'");
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(
                AstConfig.builder().setting("controller.kp", "-1").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.controller.kp=-1.0 is invalid; it must be finite and >= 0");
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(
                AstConfig.builder().setting("gate.temperature", "0").gate("probabilistic").build()))
                .hasMessageContaining("temperature=0.0");
    }

    /** Energy meters are checked when the trainer is built, like every other plugin, also with ast.meter=none. */
    @Test
    void meterNamesAndSettingsFailAtLoadTime() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().meter("wattmeter").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Unknown energy meter 'wattmeter' (ast.meter); available: auto, none, [");
        for (String meter : new String[] {"none", "auto", "cpu-time"}) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().meter(meter)
                    .setting("meter.wattsPerCore", "-2").build())).as(meter)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.meter.wattsPerCore=-2.0");
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().meter(meter)
                    .setting("meter.wattsPerCor", "2").build())).as(meter)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("ast.meter.wattsPerCor");
        }
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().meter("rapl")
                .setting("meter.includeDram", "yes").build())).hasMessageContaining("ast.meter.includeDram");
    }

    @Test
    void swappingPluginsIsAConfigurationChange() {
        AdaptiveSparseTrainer reference = AdaptiveSparseTraining.create(AstConfig.defaults());
        assertThat(reference.controller().state().controller()).isEqualTo("pi");
        assertThat(reference.energyAccount().primaryModel().unit()).isEqualTo("forward-passes");

        AdaptiveSparseTrainer swapped = AdaptiveSparseTraining.create(AstConfig.builder().controller("pid")
                .energyModel("unit").scorer("loss").gate("probabilistic").build());
        assertThat(swapped.controller().state().controller()).isEqualTo("pid");
        assertThat(swapped.energyAccount().primaryModel().unit()).isEqualTo("units");
        assertThat(reference.parts().scorer().getClass().getSimpleName()).isEqualTo("LossIntensityScorer");
        assertThat(swapped.parts().scorer().getClass().getSimpleName()).isEqualTo("LossScorer");
        assertThat(reference.parts().gate().getClass().getSimpleName()).isEqualTo("ThresholdGate");
        assertThat(swapped.parts().gate().getClass().getSimpleName()).isEqualTo("ProbabilisticGate");
    }

    /**
     * The authors' code as a preset: their gate, their controller's input and gains, clipping; settings beside a
     * preset override it, and an unknown preset names the known ones.
     */
    @Test
    void thePublishedCodePresetWiresTheAuthorsChoices() {
        AdaptiveSparseTrainer code = AdaptiveSparseTraining.create(ConfigPresets.builder("published-code").build());
        assertThat(code.parts().gate().getClass().getSimpleName()).isEqualTo("SundewGate");
        assertThat(code.controller().state().values()).containsKeys("activeRows", "seenRows");
        assertThat(code.config().steps().clipNorm()).isEqualTo(1.0);
        assertThat(code.config().settings().get("controller")).containsEntry("kp", "0.000015");
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("ast.preset", "published-code");
        properties.setProperty("ast.clipNorm", "2");
        AstConfig read = AstConfig.fromProperties(properties);
        assertThat(read.steps().clipNorm()).isEqualTo(2.0);
        assertThat(read.plugins().gate()).isEqualTo("sundew");
        assertThat(ConfigPresets.builder("published").build()).isEqualTo(AstConfig.defaults());
        properties.setProperty("ast.preset", "authors");
        assertThatThrownBy(() -> AstConfig.fromProperties(properties)).hasMessageContaining("ast.preset=authors")
                .hasMessageContaining("published-code");
    }
}
