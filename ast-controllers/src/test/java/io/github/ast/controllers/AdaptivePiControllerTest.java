package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AdaptivePiControllerTest {

    private static AdaptivePiController reference() {
        return new AdaptivePiController(PiSettings.reference(0.10, 0.50), GainAdaptation.DEFAULTS);
    }

    @Test
    void whileTheRateStaysOnOneSideItIsTheReferencePiExactly() {
        AdaptivePiController adaptive = reference();
        PiController pi = new PiController(PiSettings.reference(0.10, 0.50));
        for (double rate : new double[] {0.9, 0.6, 0.4, 0.3, 0.2, 0.15, 0.11}) {
            assertThat(adaptive.update(rate)).isEqualTo(pi.update(rate));
        }
        assertThat(adaptive.state().get("gainScale")).isEqualTo(1.0);
    }

    @Test
    void aChangeOfSideShrinksTheGainsAndAPersistingSideGrowsThemBack() {
        AdaptivePiController c = reference();
        c.update(0.2); // first side: nothing to compare with
        assertThat(c.state().get("gainScale")).isEqualTo(1.0);
        assertThat(c.state().get("lastSide")).isEqualTo(1.0);
        c.update(0.0); // flip
        assertThat(c.state().get("gainScale")).isCloseTo(0.8, within(1e-12));
        c.update(0.1); // exactly on target: no side, no change
        assertThat(c.state().get("gainScale")).isCloseTo(0.8, within(1e-12));
        c.update(0.05); // same side as the last one off target
        assertThat(c.state().get("gainScale")).isCloseTo(0.88, within(1e-12));
        for (int i = 0; i < 40; i++) {
            c.update(i % 2 == 0 ? 0.2 : 0.0);
        }
        assertThat(c.state().get("gainScale")).isEqualTo(0.05);
        for (int i = 0; i < 40; i++) {
            c.update(0.3);
        }
        assertThat(c.state().get("gainScale")).isEqualTo(1.0);
    }

    @Test
    void theGainScaleMultipliesBothTermsAndWhatTheIntegralAccumulates() {
        AdaptivePiController c = reference();
        Map<String, Double> values = new LinkedHashMap<>(c.state().values());
        values.putAll(Map.of("smoothedRate", 0.2, "integral", 10.0, "gainScale", 0.5, "lastSide", 1.0));
        c.restore(new ControllerState("adaptive-pi", values));
        // same side again: scale 0.5 * 1.1; ema = 0.3 * 0.3 + 0.7 * 0.2 = 0.23, e = 13, I = 10 + 0.55 * 13
        double next = c.update(0.3);
        assertThat(c.state().get("gainScale")).isCloseTo(0.55, within(1e-12));
        assertThat(c.state().get("integral")).isCloseTo(17.15, within(1e-12));
        assertThat(next).isCloseTo(0.5 + 0.55 * (0.0015 * 13 + 0.00005 * 17.15), within(1e-12));
    }

    @Test
    void invalidSettingsNameTheValueAndTheRange() {
        assertThatThrownBy(() -> new GainAdaptation(0, 0.8, 1.1)).isInstanceOf(ConfigurationException.class)
                .hasMessage("minGainScale=0.0 is invalid; it must be in (0, 1]");
        assertThatThrownBy(() -> new GainAdaptation(0.05, 1, 1.1))
                .hasMessage("gainShrink=1.0 is invalid; it must be in (0, 1)");
        assertThatThrownBy(() -> new GainAdaptation(0.05, 0.8, 1))
                .hasMessage("gainGrowth=1.0 is invalid; it must be finite and > 1");
        assertThatThrownBy(() -> create(Map.of("gainShrink", "1")))
                .hasMessage("ast.controller.gainShrink=1.0 is invalid; it must be in (0, 1)");
        assertThatThrownBy(() -> create(Map.of("gainGrowth", "fast")))
                .hasMessage("ast.controller.gainGrowth='fast' is not a finite number");
    }

    private static Controller create(Map<String, String> settings) {
        return new AdaptivePiController.Factory()
                .create(new PluginContext(0.1, 0.5, 1, Settings.of("ast.controller.", settings)));
    }

    @Test
    void theFactoryReadsItsSettingsAndIsRegistered() {
        PluginContext ctx = new PluginContext(0.25, 0.4, 1, Settings.of("ast.controller.",
                Map.of("kp", "0.003", "minGainScale", "0.1", "gainShrink", "0.5", "gainGrowth", "1.5")));
        AdaptivePiController c = (AdaptivePiController) new AdaptivePiController.Factory().create(ctx);
        assertThat(c.settings())
                .isEqualTo(new PiSettings(0.25, 0.4,
                        new PiOptions(0.003, 0.00005, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH)));
        assertThat(c.adaptation()).isEqualTo(new GainAdaptation(0.1, 0.5, 1.5));
        assertThat(c.state().controller()).isEqualTo("adaptive-pi");
        assertThat(c.state().values()).containsKeys("gainScale", "lastSide", "integral");
        assertThat(new AdaptivePiController.Factory().settingKeys()).contains("kp", "minGainScale", "gainShrink",
                "gainGrowth").doesNotContain("kd");
        assertThat(ServiceLoader.load(ControllerFactory.class).stream().map(p -> p.get().name()))
                .containsExactly("pi", "pid", "adaptive-pi");
        Controller defaults = new AdaptivePiController.Factory()
                .create(new PluginContext(0.1, 0.5, 1, Settings.empty()));
        assertThat(((AdaptivePiController) defaults).adaptation()).isEqualTo(GainAdaptation.DEFAULTS);
    }
}
