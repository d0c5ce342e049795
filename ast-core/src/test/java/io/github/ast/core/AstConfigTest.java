package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.RunValues;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AstConfigTest {

    @Test
    void defaultsAreTheReferenceValues() {
        AstConfig c = AstConfig.defaults();
        assertThat(c.scorer()).isEqualTo("loss-intensity");
        assertThat(c.gate()).isEqualTo("threshold");
        assertThat(c.controller()).isEqualTo("pi");
        assertThat(c.energyModel()).isEqualTo("forward-backward");
        assertThat(c.targetRate()).isEqualTo(0.10);
        assertThat(c.initialThreshold()).isEqualTo(0.50);
        assertThat(c.minActive()).isEqualTo(2);
        assertThat(c.engine()).isEmpty();
    }

    @Test
    void everyPluginsContextCarriesTheRunWideValues() {
        AstConfig c = AstConfig.builder().engine("MXNet").scorer("loss").targetRate(0.3).initialThreshold(0.2)
                .minActive(4).seed(9).backwardBatch(64)
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.05, true, 1, 0, 0.6)).build();
        RunValues expected = new RunValues("MXNet", "loss", 0.3, 0.6, 0.2, 4, 0.05, true, 64, 9);
        assertThat(c.runValues()).isEqualTo(expected);
        for (String kind : AstConfig.SETTING_KINDS) {
            assertThat(c.contextFor(kind, Map.of()).run()).as(kind).isEqualTo(expected);
        }
    }

    @Test
    void propertiesRoundTrip() {
        Properties p = new Properties();
        p.setProperty("ast.engine", "MXNet");
        p.setProperty("ast.controller", "pid");
        p.setProperty("ast.controller.kd", "0.01");
        p.setProperty("ast.targetRate", "0.25");
        p.setProperty("ast.seed", "7");
        p.setProperty("ast.selection", "history");
        p.setProperty("ast.exploration", "0.05");
        p.setProperty("ast.rescale", "true");
        p.setProperty("ast.warmupEpochs", "1");
        p.setProperty("ast.targetStart", "0.4");
        p.setProperty("ast.energyCompare", "unit");
        p.setProperty("ast.meter", "cpu-time");
        p.setProperty("ast.meter.wattsPerCore", "7");
        p.setProperty("user.home", "/ignored");
        AstConfig c = AstConfig.fromProperties(p);
        assertThat(c.controllerSettings()).containsEntry("kd", "0.01");
        assertThat(c.engine()).isEqualTo("MXNet");
        assertThat(c.selection()).isEqualTo(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0, 0.4));
        assertThat(c.selection().targetRate(2, 4, 0.1)).isEqualTo(0.4);
        assertThat(c.selection().targetRate(4, 4, 0.1)).isEqualTo(0.1);
        assertThat(c.energyCompare()).containsExactly("unit");
        assertThat(c.meterSettings()).containsEntry("wattsPerCore", "7");
        Properties again = new Properties();
        again.putAll(c.toProperties());
        assertThat(AstConfig.fromProperties(again)).isEqualTo(c);
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void invalidValuesNameTheValueAndTheRange() {
        assertThatThrownBy(() -> AstConfig.builder().targetRate(0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.targetRate=0.0 is invalid; it must be in (0, 1]");
        assertThatThrownBy(() -> AstConfig.builder().targetRate(Double.NaN).build()).hasMessageContaining("NaN");
        assertThatThrownBy(() -> AstConfig.builder().initialThreshold(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("ast.initialThreshold=Infinity");
        assertThatThrownBy(() -> AstConfig.builder().minActive(0).build()).hasMessageContaining("ast.minActive=0");
        assertThatThrownBy(() -> AstConfig.builder().scorer(" ").build()).hasMessageContaining("ast.scorer");
        Properties p = new Properties();
        p.setProperty("ast.targetRate", "ten percent");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).hasMessage("ast.targetRate='ten percent' is not a number");
    }

    @Test
    void selectionValuesAreValidated() {
        Properties p = new Properties();
        p.setProperty("ast.selection", "stal");
        assertThatThrownBy(() -> AstConfig.fromProperties(p))
                .hasMessage("ast.selection=stal is unknown; use fresh, history or stale");
        p.setProperty("ast.selection", "fresh");
        p.setProperty("ast.rescale", "true");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).hasMessageContaining("ast.rescale=true needs ast.exploration > 0");
        p.setProperty("ast.rescale", "yes");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).hasMessage("ast.rescale='yes' is not true or false");
        assertThatThrownBy(() -> new SelectionConfig(SelectionConfig.Mode.FRESH, 1.0, false, 0, 0))
                .hasMessageContaining("ast.exploration=1.0");
        assertThatThrownBy(() -> new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, -1, 0))
                .hasMessageContaining("ast.warmupEpochs=-1");
        SelectionConfig schedule = new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 2, 1);
        assertThat(schedule.phase(1, 5)).isEqualTo(SelectionConfig.Phase.WARMUP);
        assertThat(schedule.phase(3, 5)).isEqualTo(SelectionConfig.Phase.SPARSE);
        assertThat(schedule.phase(4, 5)).isEqualTo(SelectionConfig.Phase.SPARSE);
        assertThat(schedule.phase(5, 5)).isEqualTo(SelectionConfig.Phase.ANNEAL);
    }

    @Test
    void unknownKeysAreRejected() {
        Properties p = new Properties();
        p.setProperty("ast.targetrate", "0.2");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Unknown property ast.targetrate").hasMessageContaining("targetRate");
        assertThatThrownBy(() -> AstConfig.builder().setting("optimizer.lr", "1")).hasMessageContaining(
                "ast.optimizer.lr");
    }
}
