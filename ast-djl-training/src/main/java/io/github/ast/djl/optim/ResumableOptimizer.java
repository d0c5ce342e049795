package io.github.ast.djl.optim;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;

/**
 * An optimiser whose internal state (moments, update counters) can be saved with a checkpoint and restored in another
 * process, so that a resumed run continues exactly where the interrupted one stopped. DJL's optimisers have no such
 * API: resuming them restarts their state at zero.
 *
 * <p>State is identified by each parameter's position in {@code block.getParameters()}, never by
 * {@link ai.djl.nn.Parameter#getId()}, which is a random UUID per instance and so differs in a new process.
 */
public interface ResumableOptimizer {

    /**
     * Copies the optimiser's state for writing into a checkpoint, for example with {@link NDList#encode}.
     *
     * @param parameters the model's {@code block.getParameters()}, in their usual order
     * @param manager the manager the copies are attached to (and closed with); of the model's engine
     * @return named copies of every state array and counter; the names survive {@link NDList#encode} and
     *     identify what {@link #importState} restores
     */
    NDList exportState(ParameterList parameters, NDManager manager);

    /**
     * Replaces the optimiser's state with one exported from a model of the same structure, typically before a new
     * trainer's first step. The arrays are copied, so {@code state} can be closed afterwards.
     *
     * @param parameters the new model's {@code block.getParameters()}, already initialised
     * @param state what {@link #exportState} returned, possibly after an encode/decode round trip
     * @throws IllegalArgumentException if the state does not fit the parameters (count, names, shapes, data types)
     *     or was not exported by this kind of optimiser
     * @throws IllegalStateException if a parameter is not initialised yet, so its shape cannot be checked
     */
    void importState(ParameterList parameters, NDList state);
}
