package io.github.ast.energy;

import static io.github.ast.api.spi.OptionCheck.require;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;

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
public record ForwardBackwardEnergyModel(
        @Option(description = "cost of one sample's forward pass") double forwardCost,
        @Option(description = "cost of one sample's backward pass") double backwardCost) implements EnergyModel {

    /** A forward pass costs 1 and a backward pass 2; the model is its own options record. */
    public static final ForwardBackwardEnergyModel DEFAULTS = new ForwardBackwardEnergyModel(1.0, 2.0);

    /**
     * Validates the costs.
     *
     * @param forwardCost cost of one sample's forward pass, finite and > 0
     * @param backwardCost cost of one sample's backward pass, finite and >= 0
     */
    public ForwardBackwardEnergyModel {
        require(Double.isFinite(forwardCost) && forwardCost > 0, "forwardCost", forwardCost, "finite and > 0");
        require(Double.isFinite(backwardCost) && backwardCost >= 0, "backwardCost", backwardCost, "finite and >= 0");
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

    /** Creates the model under the name {@code forward-backward}. */
    public static final class Factory implements EnergyModelFactory {
        @Override
        public String name() {
            return "forward-backward";
        }

        @Override
        public Class<ForwardBackwardEnergyModel> optionsType() {
            return ForwardBackwardEnergyModel.class;
        }

        @Override
        public EnergyModel create(PluginContext context) {
            return context.options(ForwardBackwardEnergyModel.class);
        }
    }
}
