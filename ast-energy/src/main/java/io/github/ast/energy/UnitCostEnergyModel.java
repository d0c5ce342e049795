package io.github.ast.energy;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;

/**
 * The published system's accounting: a fixed cost per activated sample and a small one per skipped sample
 * (reference 10.0 and 0.1), against the activation cost for every sample.
 *
 * <p>Kept so our figures can be compared with the published ones. It prices the scoring pass of a skipped sample at
 * 1% of a training step, far below the measured share of a forward pass (about 30-40% on the Fashion-MNIST CNN), so
 * its savings are an upper bound; prefer {@link ForwardBackwardEnergyModel}.
 *
 * @param costPerActivation cost of one trained sample, finite and > 0
 * @param costPerSkip cost of one skipped sample, finite and >= 0
 */
public record UnitCostEnergyModel(
        @Option(description = "cost of one trained sample") double costPerActivation,
        @Option(description = "cost of one skipped sample (its scoring pass)") double costPerSkip)
        implements EnergyModel {

    /** The reference costs, 10.0 and 0.1; the model is its own options record. */
    public static final UnitCostEnergyModel DEFAULTS = new UnitCostEnergyModel(10.0, 0.1);

    /**
     * Validates the costs.
     *
     * @param costPerActivation cost of one trained sample, finite and > 0
     * @param costPerSkip cost of one skipped sample, finite and >= 0
     */
    public UnitCostEnergyModel {
        require(Double.isFinite(costPerActivation) && costPerActivation > 0, "costPerActivation", costPerActivation,
                "finite and > 0");
        require(Double.isFinite(costPerSkip) && costPerSkip >= 0, "costPerSkip", costPerSkip, "finite and >= 0");
    }

    @Override
    public String unit() {
        return "units";
    }

    @Override
    public BatchEnergy price(BatchWork work) {
        return new BatchEnergy(costPerActivation * work.trained() + costPerSkip * work.skipped(),
                costPerActivation * work.batchSize());
    }

    /** Creates the model under the name {@code unit}. */
    public static final class Factory implements EnergyModelFactory {
        @Override
        public String name() {
            return "unit";
        }

        @Override
        public Class<UnitCostEnergyModel> optionsType() {
            return UnitCostEnergyModel.class;
        }

        @Override
        public EnergyModel create(PluginContext context) {
            return context.options(UnitCostEnergyModel.class);
        }
    }
}
