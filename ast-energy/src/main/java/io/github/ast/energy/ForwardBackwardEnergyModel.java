package io.github.ast.energy;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.PluginContext;
import java.util.Set;

/**
 * Prices work in forward-pass equivalents: every scored sample pays a forward pass, every trained sample pays a
 * forward and a backward pass (backward = 2 forwards by default), against forward+backward for every sample.
 *
 * <p>This is the honest default: the scoring pass is counted, so at 10% activation the saving is about 57%, not
 * 90%, and the figure can be checked against wall-clock time.
 *
 * @param forwardCost cost of one sample's forward pass, finite and > 0
 * @param backwardCost cost of one sample's backward pass, finite and >= 0
 */
public record ForwardBackwardEnergyModel(double forwardCost, double backwardCost) implements EnergyModel {

    /**
     * Validates the costs.
     *
     * @param forwardCost cost of one sample's forward pass, finite and > 0
     * @param backwardCost cost of one sample's backward pass, finite and >= 0
     */
    public ForwardBackwardEnergyModel {
        if (!(forwardCost > 0) || Double.isInfinite(forwardCost)) {
            throw new ConfigurationException("forwardCost=" + forwardCost + " must be finite and > 0");
        }
        if (!(backwardCost >= 0) || Double.isInfinite(backwardCost)) {
            throw new ConfigurationException("backwardCost=" + backwardCost + " must be finite and >= 0");
        }
    }

    @Override
    public String unit() {
        return "forward-passes";
    }

    @Override
    public BatchEnergy price(BatchWork work) {
        double step = forwardCost + backwardCost;
        return new BatchEnergy(forwardCost * work.scored() + step * work.trained(), step * work.batchSize());
    }

    /** Creates the model under the name {@code forward-backward}; settings {@code forwardCost}, {@code backwardCost}. */
    public static final class Factory implements EnergyModelFactory {
        @Override
        public String name() {
            return "forward-backward";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("forwardCost", "backwardCost");
        }

        @Override
        public EnergyModel create(PluginContext context) {
            return new ForwardBackwardEnergyModel(context.settings().getDouble("forwardCost", 1.0),
                    context.settings().getDouble("backwardCost", 2.0));
        }
    }
}
