package io.github.ast.selection.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.ast.api.PreparationWork;

/**
 * RHO-LOSS's table: every training sample's irreducible loss (a reference model's loss on it, from a model that
 * never trained on it), by dataset index, with what computing it cost. Reducible loss, the training loss minus this,
 * is high for samples that are learnable and not yet learnt, and low for noise the reference cannot learn either.
 */
public final class IrreducibleLosses {

    private final float[] losses;
    private final PreparationWork cost;

    /**
     * @param losses finite losses by dataset index
     * @param seconds wall-clock seconds the reference training and scoring took
     * @param forwarded rows forward-propagated
     * @param backPropagated rows back-propagated
     */
    IrreducibleLosses(float[] losses, double seconds, long forwarded, long backPropagated) {
        this.losses = losses.clone();
        this.cost = new PreparationWork(seconds, forwarded, backPropagated);
    }

    /**
     * Restores a table saved in a checkpoint: its cost was counted by the run that built it.
     *
     * @param losses losses by dataset index
     * @return the table
     */
    public static IrreducibleLosses restored(float[] losses) {
        return new IrreducibleLosses(losses, 0, 0, 0);
    }

    /** {@return the number of samples} */
    public int size() {
        return losses.length;
    }

    /** {@return a copy of the losses, by dataset index} */
    public float[] losses() {
        return losses.clone();
    }

    /** {@return what building the table cost} */
    public PreparationWork cost() {
        return cost;
    }

    /**
     * Copies the table onto an engine, for gathers by index.
     *
     * @param manager owns the array
     * @return float32 array of shape (size)
     */
    public NDArray toEngine(NDManager manager) {
        return manager.create(losses);
    }
}
