package io.github.ast.energy;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.Set;

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
public record UnitCostEnergyModel(double costPerActivation, double costPerSkip) implements EnergyModel {

    /**
     * Validates the costs.
     *
     * @param costPerActivation cost of one trained sample, finite and > 0
     * @param costPerSkip cost of one skipped sample, finite and >= 0
     */
    public UnitCostEnergyModel {
        if (!(costPerActivation > 0) || Double.isInfinite(costPerActivation)) {
            throw new ConfigurationException("costPerActivation=" + costPerActivation + " must be finite and > 0");
        }
        if (!(costPerSkip >= 0) || Double.isInfinite(costPerSkip)) {
            throw new ConfigurationException("costPerSkip=" + costPerSkip + " must be finite and >= 0");
        }
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

    /** Creates the model under the name {@code unit}; settings {@code costPerActivation}, {@code costPerSkip}. */
    public static final class Factory implements EnergyModelFactory {
        @Override
        public String name() {
            return "unit";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("costPerActivation", "costPerSkip");
        }

        @Override
        public EnergyModel create(PluginContext context) {
            return new UnitCostEnergyModel(context.settings().getDouble("costPerActivation", 10.0),
                    context.settings().getDouble("costPerSkip", 0.1));
        }
    }
}
