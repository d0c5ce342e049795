package io.github.ast.selection.policies;

import ai.djl.ndarray.NDManager;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;

/**
 * Every row of every batch, with no scoring pass: plain training, the plain DJL step. With a sampler that chooses
 * the samples (RS2, InfoBatch, a Spark selection) it is training on the sampler's choice alone; without one it is
 * full-data training with AST's accounting, checkpoints and reports.
 */
public final class EveryRowPolicy implements SelectionPolicy, SelectionPolicy.Unscored {

    @Override
    public Selection select(PolicyBatch batch) {
        return Selection.everyRow(Math.toIntExact(batch.scoring().losses().size()), batch.scoring().losses()
                .getManager());
    }

    @Override
    public Selection selectUnscored(int size, NDManager manager) {
        return Selection.everyRow(size, manager);
    }

    @Override
    public boolean trainsEveryRow() {
        return true;
    }

    /** Finds the policy as {@code all}. */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "all";
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            return new EveryRowPolicy();
        }
    }
}
