package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiControllerTest {

    private static PiController reference() {
        return new PiController(PiSettings.reference(0.10, 0.50));
    }

    @Test
    void firstStepFollowsTheReferenceFormula() {
        PiController c = reference();
        // ema = 0.5 (first observation), e = 100 * (0.5 - 0.1) = 40, I = 40, step = 0.0015*40 + 0.00005*40
        double next = c.update(0.5);
        assertThat(next).isCloseTo(0.5 + 0.0015 * 40 + 0.00005 * 40, within(1e-12));
        assertThat(c.state().get("smoothedRate")).isEqualTo(0.5);
        assertThat(c.state().get("integral")).isCloseTo(40, within(1e-12));
        // second step: ema = 0.3 * 0.1 + 0.7 * 0.5 = 0.38, e = 28, I = 68 -> clamped to 50
        double second = c.update(0.1);
        assertThat(c.state().get("smoothedRate")).isCloseTo(0.38, within(1e-12));
        assertThat(c.state().get("integral")).isEqualTo(50);
        assertThat(second).isCloseTo(next + 0.0015 * 28 + 0.00005 * 50, within(1e-12));
    }

    /**
     * The authors' code's input: all rows activated since training began over all rows seen, each batch weighed by
     * its rows; it survives a checkpoint.
     */
    @Test
    void aCumulativeRateWeighsEveryRowSinceTheStartAndIsRestored() {
        PiOptions cumulative = new PiOptions(0.0015, 0.00005, 1.0, 50, 0.1, 0, 1, PiOptions.Rate.CUMULATIVE);
        PiController c = new PiController(new PiSettings(0.1, 0.5, cumulative));
        c.update(0.5, 100);
        assertThat(c.state().get("smoothedRate")).isEqualTo(0.5);
        c.update(0.0, 300); // 50 of 400 rows
        assertThat(c.state().get("smoothedRate")).isCloseTo(0.125, within(1e-12));
        PiController resumed = new PiController(new PiSettings(0.1, 0.5, cumulative));
        resumed.restore(c.state());
        assertThat(resumed.update(0.3, 100)).isEqualTo(c.update(0.3, 100)); // 80 of 500 rows
        assertThat(c.state().get("smoothedRate")).isCloseTo(0.16, within(1e-12));
        assertThat(reference().state().values()).doesNotContainKey("seenRows");
        assertThatThrownBy(() -> new PiController(new PiSettings(0.1, 0.5, cumulative)).restore(reference().state()))
                .hasMessageContaining("activeRows");
    }

    @Test
    void tooManyActiveRaisesTheThresholdAndTooFewLowersIt() {
        PiController high = reference();
        assertThat(high.update(0.9)).isGreaterThan(0.5);
        PiController low = reference();
        assertThat(low.update(0.0)).isLessThan(0.5);
    }

    @Test
    void onTargetNothingMoves() {
        PiController c = reference();
        for (int i = 0; i < 100; i++) {
            assertThat(c.update(0.1)).isCloseTo(0.5, within(1e-12));
        }
    }

    @Test
    void saturationClampsTheThresholdAndDecaysTheIntegral() {
        PiController c =
                new PiController(new PiSettings(0.1, 0.99,
                        new PiOptions(0.0015, 0.00005, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH)));
        c.update(1.0); // e = 90, I = 50 (clamped), candidate above 1
        assertThat(c.threshold()).isEqualTo(1.0);
        assertThat(c.state().get("saturated")).isEqualTo(1.0);
        assertThat(c.state().get("integral")).isCloseTo(45, within(1e-9));
        c.update(1.0); // I = min(45 + 90, 50) * 0.9
        assertThat(c.state().get("integral")).isCloseTo(45, within(1e-9));
    }

    @Test
    void invalidSettingsNameTheValueAndTheRange() {
        assertThatThrownBy(() -> new PiOptions(Double.NaN, 0, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH))
                .isInstanceOf(ConfigurationException.class).hasMessage("kp=NaN is invalid; it must be finite and >= 0");
        PluginContext negativeKp = new PluginContext(0.1, 0.5, 1, Settings.of("ast.controller.", Map.of("kp", "-1")));
        assertThatThrownBy(() -> new PiController.Factory().create(negativeKp))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.controller.kp=-1.0 is invalid; it must be finite and >= 0");
        assertThatThrownBy(() -> new PiSettings(0.1, 0.5,
                new PiOptions(0.1, 0, 0, 50, 0.1, 0, 1, PiOptions.Rate.BATCH)))
                .hasMessageContaining("emaAlpha=0.0").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new PiSettings(0.1, 2,
                new PiOptions(0.1, 0, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH)))
                .hasMessageContaining("initialThreshold=2.0");
        assertThatThrownBy(() -> new PiSettings(0.1, 0.5,
                new PiOptions(0.1, 0, 0.3, 50, 0.1, 1, 1, PiOptions.Rate.BATCH)))
                .hasMessageContaining("maxThreshold=1.0");
        assertThatThrownBy(() -> reference().update(1.5)).hasMessageContaining("observedRate=1.5");
        assertThatThrownBy(() -> reference().update(Double.NaN)).hasMessageContaining("observedRate=NaN");
    }

    @Test
    void factoriesReadSettingsAndUseReferenceDefaults() {
        PluginContext ctx = new PluginContext(0.25, 0.4, 1,
                Settings.of("ast.controller.", Map.of("kp", "0.01", "maxThreshold", "2")));
        PiController pi = (PiController) new PiController.Factory().create(ctx);
        assertThat(pi.settings())
                .isEqualTo(new PiSettings(0.25, 0.4,
                        new PiOptions(0.01, 0.00005, 0.3, 50, 0.1, 0, 2, PiOptions.Rate.BATCH)));
        Controller pid = new PidController.Factory().create(ctx);
        assertThat(pid.state().controller()).isEqualTo("pid");
        assertThat(pid.state().values()).containsKey("filteredDerivative");
        assertThat(new PidController.Factory().settingKeys()).contains("kd", "derivativeFilter", "kp");
    }

    @Test
    void pidAddsAFilteredDerivativeOfTheMeasurement() {
        PiSettings s = new PiSettings(0.1, 0.5, new PiOptions(0, 0, 1.0, 50, 0.1, 0, 1, PiOptions.Rate.BATCH));
        PidController pid = new PidController(s, new PidController.Derivative(0.01, 0.5));
        pid.update(0.1); // first batch: no derivative
        assertThat(pid.threshold()).isEqualTo(0.5);
        pid.update(0.3); // slope 20 points, filtered 10 -> +0.1
        assertThat(pid.threshold()).isCloseTo(0.6, within(1e-12));
        assertThatThrownBy(() -> new PidController(s, new PidController.Derivative(0.01, 1.0)))
                .hasMessageContaining("derivativeFilter=1.0");
    }

    @Test
    void retargetingKeepsTheStateAndChangesTheError() {
        PiController c = reference();
        c.update(0.3);
        double threshold = c.threshold();
        c.retarget(0.3);
        assertThat(c.settings().targetRate()).isEqualTo(0.3);
        assertThat(c.threshold()).isEqualTo(threshold);
        // on the new target: the proportional step is zero; only the old integral still moves the threshold
        double integral = c.state().get("integral");
        c.update(0.3);
        assertThat(c.state().get("error")).isCloseTo(0, within(1e-9));
        assertThat(c.threshold()).isCloseTo(threshold + 0.00005 * integral, within(1e-12));
        assertThatThrownBy(() -> c.retarget(0)).hasMessageContaining("targetRate=0.0");
    }
}
