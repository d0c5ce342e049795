package io.github.ast.api;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * Prices the work done on one batch, next to what full-data training would have cost.
 *
 * <p>Models are pure functions of the work counts so that the same run can be priced by several models side by
 * side; accumulation over batches and epochs is the trainer's job.
 */
public interface EnergyModel {

    /** {@return the unit the model's figures are in, for example "units" or "GFLOP"} */
    String unit();

    /**
     * Prices one batch.
     *
     * @param work what was done on the batch
     * @return the energy spent and the energy full-data training would have spent on the same batch
     */
    BatchEnergy price(BatchWork work);

    /**
     * Returns a model bound to the network being trained. Models that price work by the network's cost (FLOPs)
     * compute it here, once; the trainer calls this before the first batch is priced.
     *
     * @param block the network, initialised
     * @param sampleShape the shape of one input sample, without the batch dimension
     * @return the bound model; by default this model, which does not depend on the network
     */
    default EnergyModel attach(Block block, Shape sampleShape) {
        return this;
    }
}
