package io.github.ast.core;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.EnergyModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices every batch with the configured energy model and with comparison models, side by side, so a report can
 * show the published unit-cost saving next to counted FLOPs without a second run.
 *
 * <p>Models are bound to the network on the first batch ({@link EnergyModel#attach}). A comparison model that
 * cannot price this network (a FLOP counter meeting an unknown block, say) is dropped with a warning; the primary
 * model failing is a configuration error.
 */
public final class EnergyAccount {

    private static final Logger LOG = LoggerFactory.getLogger(EnergyAccount.class);

    private final String primary;
    private final Map<String, EnergyModel> models;
    private boolean attached;

    /**
     * Creates the account.
     *
     * @param models models by name, the primary first
     */
    public EnergyAccount(Map<String, EnergyModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("an energy account needs at least one model");
        }
        this.models = new LinkedHashMap<>(models);
        this.primary = models.keySet().iterator().next();
    }

    /** {@return the name of the primary model, the one the epoch line's saving comes from} */
    public String primary() {
        return primary;
    }

    /** {@return the primary model} */
    public EnergyModel primaryModel() {
        return models.get(primary);
    }

    /** {@return the unit of each model, by name, primary first} */
    public Map<String, String> units() {
        Map<String, String> units = new LinkedHashMap<>();
        models.forEach((name, model) -> units.put(name, model.unit()));
        return Collections.unmodifiableMap(units);
    }

    /** Returns whether the models have been bound to a network. */
    boolean isAttached() {
        return attached;
    }

    /**
     * Binds every model to the network being trained.
     *
     * @param block the network, initialised
     * @param sampleShape one input sample's shape, without the batch dimension
     */
    void attach(Block block, Shape sampleShape) {
        Map<String, EnergyModel> bound = new LinkedHashMap<>();
        for (Map.Entry<String, EnergyModel> entry : models.entrySet()) {
            try {
                bound.put(entry.getKey(), entry.getValue().attach(block, sampleShape));
            } catch (RuntimeException e) {
                if (entry.getKey().equals(primary)) {
                    throw new ConfigurationException("energy model '" + primary + "' (ast.energy) cannot price this"
                            + " network: " + e.getMessage());
                }
                LOG.warn("Energy model '{}' left out of the comparison: {}", entry.getKey(), e.getMessage());
            }
        }
        models.clear();
        models.putAll(bound);
        attached = true;
    }

    /**
     * Prices one batch with every model.
     *
     * @param work what the batch did
     * @return energy by model name, primary first
     */
    Map<String, BatchEnergy> price(BatchWork work) {
        Map<String, BatchEnergy> prices = new LinkedHashMap<>();
        models.forEach((name, model) -> prices.put(name, model.price(work)));
        return prices;
    }

    /**
     * Prices a policy's preparation in each model: its forward-only rows as scoring passes and its back-propagated
     * rows as trained ones, against no baseline (full-data training would not have done it).
     */
    Map<String, BatchEnergy> pricePreparation(PreparationWork work) {
        int forwardOnly = Math.toIntExact(work.forwarded() - work.backPropagated());
        int trained = Math.toIntExact(work.backPropagated());
        Map<String, BatchEnergy> prices = new LinkedHashMap<>();
        models.forEach((name, model) -> prices.put(name, new BatchEnergy(
                model.price(new BatchWork(forwardOnly, forwardOnly, 0)).spent()
                        + model.price(new BatchWork(trained, 0, trained)).spent(), 0)));
        return prices;
    }

    /**
     * Adds two price maps model by model.
     *
     * @param a one sum
     * @param b another
     * @return the sum, in a's order
     */
    static Map<String, BatchEnergy> sum(Map<String, BatchEnergy> a, Map<String, BatchEnergy> b) {
        Map<String, BatchEnergy> total = new LinkedHashMap<>(a);
        b.forEach((name, energy) -> total.merge(name, energy, BatchEnergy::plus));
        return total;
    }
}
