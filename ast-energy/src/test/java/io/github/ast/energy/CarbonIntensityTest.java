package io.github.ast.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.ConfigurationException;
import org.junit.jupiter.api.Test;

class CarbonIntensityTest {

    @Test
    void convertsJoulesToKilowattHoursToGrams() {
        assertThat(CarbonIntensity.kilowattHours(3_600_000)).isEqualTo(1.0);      // 1 kWh = 1000 W · 3600 s
        assertThat(CarbonIntensity.WORLD_AVERAGE.grams(3_600_000)).isEqualTo(475.0);
        assertThat(new CarbonIntensity(250).grams(7_200_000)).isCloseTo(500.0, within(1e-9));   // 2 kWh · 250
        // a 1 kJ epoch on the world-average grid: 1000 / 3.6e6 kWh · 475 g/kWh = 0.1319... g
        assertThat(CarbonIntensity.WORLD_AVERAGE.grams(1000)).isCloseTo(0.131944, within(1e-6));
        assertThat(new CarbonIntensity(0).grams(1e9)).isZero();
    }

    @Test
    void rejectsImpossibleValues() {
        assertThatThrownBy(() -> new CarbonIntensity(Double.NaN)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gramsPerKwh=NaN");
        assertThatThrownBy(() -> new CarbonIntensity(-5)).hasMessageContaining("gramsPerKwh=-5.0");
        assertThatThrownBy(() -> new CarbonIntensity(Double.POSITIVE_INFINITY))
                .hasMessageContaining("gramsPerKwh=Infinity");
        assertThatThrownBy(() -> CarbonIntensity.WORLD_AVERAGE.grams(-1)).hasMessageContaining("joules=-1.0");
    }
}
