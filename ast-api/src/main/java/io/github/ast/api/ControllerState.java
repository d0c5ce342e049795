package io.github.ast.api;

import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of a controller's internal state (threshold, smoothed rate, integral, ...).
 *
 * @param controller the name of the controller that produced it
 * @param values named state variables, in a stable order
 */
public record ControllerState(String controller, Map<String, Double> values) {

    /**
     * Copies the values so the snapshot cannot change afterwards.
     *
     * @param controller the name of the controller that produced it
     * @param values named state variables, copied in their iteration order
     */
    public ControllerState {
        Objects.requireNonNull(controller, "controller");
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /**
     * Returns one state variable.
     *
     * @param name the variable's name
     * @return its value
     * @throws IllegalArgumentException if the controller has no such variable
     */
    public double get(String name) {
        Double value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "Controller '" + controller + "' has no state '" + name + "'; it has " + values.keySet());
        }
        return value;
    }
}
