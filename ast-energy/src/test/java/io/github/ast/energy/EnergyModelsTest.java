package io.github.ast.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EnergyModelsTest {

    private static PluginContext context(Map<String, String> settings) {
        return new PluginContext(0.1, 0.5, 42, Settings.of("ast.energy.", settings));
    }

    @Test
    void unitModelReproducesThePublishedFormula() {
        EnergyModel unit = new UnitCostEnergyModel.Factory().create(context(Map.of()));
        BatchEnergy e = unit.price(new BatchWork(100, 100, 10));
        assertThat(e.spent()).isCloseTo(10.0 * 10 + 0.1 * 90, within(1e-9));
        assertThat(e.baseline()).isEqualTo(1000.0);
        // published: savings = 1 - (act*10 + (1-act)*0.1) / 10 = 89.1% at 10% activation
        assertThat(e.savings()).isCloseTo(1 - (0.1 * 10 + 0.9 * 0.1) / 10, within(1e-12));
    }

    @Test
    void forwardBackwardModelCountsTheScoringPass() {
        EnergyModel fb = new ForwardBackwardEnergyModel.Factory().create(context(Map.of()));
        BatchEnergy e = fb.price(new BatchWork(100, 100, 10));
        assertThat(e.spent()).isEqualTo(100 * 1.0 + 10 * 3.0);
        assertThat(e.baseline()).isEqualTo(300.0);
        assertThat(e.savings()).isCloseTo(1 - 130.0 / 300, within(1e-12));
        // everything trained: the scoring pass makes sparse training cost a third more than full training
        assertThat(fb.price(new BatchWork(100, 100, 100)).savings()).isCloseTo(-1.0 / 3, within(1e-12));
        assertThat(fb.unit()).isEqualTo("forward-passes");
    }

    @Test
    void costsAreValidated() {
        assertThatThrownBy(() -> new UnitCostEnergyModel.Factory().create(context(Map.of("costPerActivation", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("costPerActivation=0.0");
        assertThatThrownBy(() -> new ForwardBackwardEnergyModel(1, -2)).hasMessageContaining("backwardCost=-2.0");
        assertThatThrownBy(() -> new UnitCostEnergyModel(10, Double.NaN)).hasMessageContaining("costPerSkip=NaN");
    }

    @Property
    void fewerTrainedSamplesNeverCostMore(@ForAll @IntRange(min = 1, max = 512) int batch,
            @ForAll @IntRange(min = 0, max = 512) int a, @ForAll @IntRange(min = 0, max = 512) int b) {
        int fewer = Math.min(Math.min(a, b), batch);
        int more = Math.min(Math.max(a, b), batch);
        for (EnergyModel model : new EnergyModel[] {new UnitCostEnergyModel(10, 0.1),
                new ForwardBackwardEnergyModel(1, 2)}) {
            assertThat(model.price(new BatchWork(batch, batch, fewer)).spent())
                    .isLessThanOrEqualTo(model.price(new BatchWork(batch, batch, more)).spent());
        }
    }
}
