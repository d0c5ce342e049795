package io.github.ast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.spi.RunValues;
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
    void runValuesHaveDefaultsForAComponentOnItsOwnAndNameTheKeyOfABadValue() {
        RunValues run = RunValues.of(0.25, 0.4, 7);
        assertThat(run).isEqualTo(new RunValues("", "", 0.25, Double.NaN, 0.4, RunValues.DEFAULT_MIN_ACTIVE, 0, false,
                0, 7));
        io.github.ast.api.spi.PluginContext ctx = new io.github.ast.api.spi.PluginContext(0.25, 0.4, 7,
                Settings.empty());
        assertThat(ctx.run()).isEqualTo(run);
        assertThat(ctx.targetRate()).isEqualTo(0.25);
        assertThat(ctx.initialThreshold()).isEqualTo(0.4);
        assertThat(ctx.seed()).isEqualTo(7);
        assertThatThrownBy(() -> new RunValues(null, null, 0.1, Double.NaN, 0.5, 0, 0, false, 0, 1))
                .isInstanceOf(ConfigurationException.class).hasMessage("ast.minActive=0 must be >= 1");
        assertThatThrownBy(() -> new RunValues("", "", 0.1, 1.5, 0.5, 2, 0, false, 0, 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.targetStart=1.5 is invalid; it must be in (0, 1]");
        assertThatThrownBy(() -> new RunValues("", "", 0.1, Double.NaN, 0.5, 2, 0, true, 0, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("ast.rescale=true needs");
        assertThatThrownBy(() -> new RunValues("", "", 0.1, Double.NaN, 0.5, 2, 0, false, -1, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("ast.backwardBatch=-1 is invalid");
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
