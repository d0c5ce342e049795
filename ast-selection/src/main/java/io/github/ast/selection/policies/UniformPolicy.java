package io.github.ast.selection.policies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;

/**
 * A uniformly random {@code ast.targetRate} of every batch's rows, drawn on the engine, with no scoring pass: the
 * random control a selection method must beat at the same rate.
 */
public final class UniformPolicy implements SelectionPolicy, SelectionPolicy.Unscored {

    private final double rate;

    /** @param rate the share of each batch to train, in (0, 1] */
    public UniformPolicy(double rate) {
        this.rate = rate;
    }

    @Override
    public Selection select(PolicyBatch batch) {
        return selectUnscored(Math.toIntExact(batch.scoring().losses().size()), batch.scoring().losses()
                .getManager());
    }

    /** Draws {@code round(rate * size)} rows (at least one) by sorting uniform numbers drawn on the engine. */
    @Override
    public Selection selectUnscored(int size, NDManager manager) {
        int keep = (int) Math.max(1, Math.min(size, Math.round(rate * size)));
        NDArray rows = manager.randomUniform(0f, 1f, new Shape(size)).argSort().get("0:" + keep);
        return Selection.of(rows, keep, keep, false);
    }

    /** Finds the policy as {@code uniform}. */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "uniform";
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            return new UniformPolicy(context.targetRate());
        }
    }
}
