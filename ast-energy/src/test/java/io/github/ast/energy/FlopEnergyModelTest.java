package io.github.ast.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlopEnergyModelTest {

    private static PluginContext context(Map<String, String> settings) {
        return new PluginContext(0.1, 0.5, 42, Settings.of("ast.energy.", settings));
    }

    /** 16 inputs -> 8 ReLU units -> 4: forward F = (2·16·8 + 8) + 8 + (2·8·4 + 4) = 264 + 8 + 68 = 340 FLOPs. */
    private static Block network(NDManager manager) {
        Block block = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(4).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(32, 16));
        return block;
    }

    /** Opens a manager on the named engine, checking that DJL did not fall back to another one. */
    private static NDManager manager(String engine) {
        NDManager manager = NDManager.newBaseManager(engine);
        assertThat(manager.getEngine().getEngineName()).isEqualTo(engine);
        return manager;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void pricesScoringOfEverySampleAndTrainingOfTheActivatedOnes(String engine) {
        EnergyModel unbound = new FlopEnergyModel.Factory().create(context(Map.of()));
        try (NDManager manager = manager(engine)) {
            EnergyModel model = unbound.attach(network(manager), new Shape(16));
            assertThat(((FlopEnergyModel) model).forwardFlopsPerSample()).hasValue(340);

            BatchEnergy e = model.price(new BatchWork(128, 128, 13));
            double f = 340e-9; // GFLOP
            // spent: a scoring forward for all 128, forward + 2 forwards of backward for the 13 trained
            assertThat(e.spent()).isCloseTo(128 * f + 13 * 3 * f, within(1e-18));
            assertThat(e.baseline()).isCloseTo(128 * 3 * f, within(1e-18));
            assertThat(e.savings()).isCloseTo(1 - (128 + 39) / 384.0, within(1e-12));
            assertThat(model.unit()).isEqualTo("GFLOP");
            // the unbound model is untouched: attach returns a new instance
            assertThat(((FlopEnergyModel) unbound).forwardFlopsPerSample()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theBackwardFactorIsConfigurable(String engine) {
        EnergyModel model = new FlopEnergyModel.Factory().create(context(Map.of("backwardFactor", "1.5")));
        try (NDManager manager = manager(engine)) {
            BatchEnergy e = model.attach(network(manager), new Shape(16)).price(new BatchWork(10, 10, 10));
            // everything trained: 10 scoring forwards on top of 10 · 2.5 forwards
            assertThat(e.spent()).isCloseTo((10 + 10 * 2.5) * 340e-9, within(1e-18));
            assertThat(e.baseline()).isCloseTo(10 * 2.5 * 340e-9, within(1e-18));
        }
    }

    @Test
    void refusesToPriceBeforeItIsAttached() {
        EnergyModel model = new FlopEnergyModel.Factory().create(context(Map.of()));
        assertThatThrownBy(() -> model.price(new BatchWork(8, 8, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not attached")
                .hasMessageContaining("attach(block, sampleShape)");
    }

    @Test
    void validatesTheBackwardFactor() {
        FlopEnergyModel.Factory factory = new FlopEnergyModel.Factory();
        assertThatThrownBy(() -> factory.create(context(Map.of("backwardFactor", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("backwardFactor=0.0");
        assertThatThrownBy(() -> factory.create(context(Map.of("backwardFactor", "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("backwardFactor=-1.0");
        assertThatThrownBy(() -> factory.create(context(Map.of("backwardFactor", "Infinity"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ast.energy.backwardFactor='Infinity'");
        assertThatThrownBy(() -> new FlopEnergyModel(Double.NaN)).hasMessageContaining("backwardFactor=NaN");
        assertThat(factory.settingKeys()).containsExactly("backwardFactor");
    }

    @Test
    void isRegisteredAsFlops() {
        assertThat(ServiceLoader.load(EnergyModelFactory.class).stream().map(p -> p.get().name()))
                .containsExactlyInAnyOrder("unit", "forward-backward", "flops");
    }
}
