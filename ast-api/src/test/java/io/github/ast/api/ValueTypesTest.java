package io.github.ast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.spi.Settings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void batchWorkRejectsInconsistentCounts() {
        assertThat(new BatchWork(128, 128, 13).skipped()).isEqualTo(115);
        assertThatThrownBy(() -> new BatchWork(10, 10, 11)).hasMessageContaining("trained (11)");
        assertThatThrownBy(() -> new BatchWork(-1, 0, 0)).hasMessageContaining("batchSize=-1");
    }

    @Test
    void batchEnergySumsAndReportsSavings() {
        BatchEnergy total = new BatchEnergy(1, 4).plus(new BatchEnergy(2, 4));
        assertThat(total).isEqualTo(new BatchEnergy(3, 8));
        assertThat(total.savings()).isEqualTo(1 - 3.0 / 8);
        assertThat(BatchEnergy.ZERO.savings()).isZero();
        assertThat(new BatchEnergy(5, 4).savings()).isNegative();
        assertThatThrownBy(() -> new BatchEnergy(Double.NaN, 1)).hasMessageContaining("spent=NaN");
        assertThatThrownBy(() -> new BatchEnergy(1, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
    }

    @Test
    void settingsParseAndNameTheBadKey() {
        Settings s = Settings.of("ast.controller.", Map.of("kp", "0.002", "bad", "x", "inf", "Infinity", "n", "7"));
        assertThat(s.getDouble("kp", 1)).isEqualTo(0.002);
        assertThat(s.getDouble("missing", 1.5)).isEqualTo(1.5);
        assertThat(s.getInt("n", 0)).isEqualTo(7);
        assertThat(s.getString("missing", "d")).isEqualTo("d");
        assertThatThrownBy(() -> s.getDouble("bad", 0))
                .isInstanceOf(ConfigurationException.class).hasMessage("ast.controller.bad='x' is not a finite number");
        assertThatThrownBy(() -> s.getDouble("inf", 0)).hasMessageContaining("ast.controller.inf='Infinity'");
        assertThatThrownBy(() -> s.getInt("kp", 0)).hasMessageContaining("is not an integer");
    }

    @Test
    void settingsRejectUnknownKeysListingKnownOnes() {
        Settings s = Settings.of("ast.scorer.", Map.of("lossWieght", "0.5"));
        assertThatThrownBy(() -> s.requireOnly("loss-intensity", Set.of("lossWeight", "intensityWeight")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown setting ast.scorer.lossWieght for 'loss-intensity'; it accepts "
                        + "[intensityWeight, lossWeight]");
        Settings.empty().requireOnly("loss", Set.of());
    }

    @Test
    void pluginContextOffersServicesByType() {
        ReferenceModel reference = (data, labels) -> data.head();
        io.github.ast.api.spi.PluginContext ctx = new io.github.ast.api.spi.PluginContext(0.1, 0.5, 1,
                Settings.empty(), Map.of(ReferenceModel.class, reference));
        assertThat(ctx.service(ReferenceModel.class)).containsSame(reference);
        assertThat(ctx.service(String.class)).isEmpty();
        assertThat(ctx.withSettings(Settings.of("p.", Map.of("k", "v"))).service(ReferenceModel.class))
                .containsSame(reference);
        assertThatThrownBy(() -> new io.github.ast.api.spi.PluginContext(0.1, 0.5, 1, Settings.empty(),
                Map.of(ReferenceModel.class, "not a model"))).hasMessageContaining("is not a");
        assertThatThrownBy(() -> new io.github.ast.api.spi.PluginContext(0, 0.5, 1, Settings.empty()))
                .hasMessageContaining("targetRate=0.0");
    }

    @Test
    void controllerStateIsImmutableAndNamesMissingVariables() {
        java.util.Map<String, Double> values = new java.util.HashMap<>(Map.of("threshold", 0.5));
        ControllerState state = new ControllerState("pi", values);
        values.put("threshold", 0.9);
        assertThat(state.get("threshold")).isEqualTo(0.5);
        assertThatThrownBy(() -> state.get("integral")).hasMessageContaining("no state 'integral'");
    }
}
