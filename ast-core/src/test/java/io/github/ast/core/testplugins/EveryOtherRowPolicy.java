package io.github.ast.core.testplugins;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.Selection;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.SelectionPolicyFactory;
import java.util.Set;

/** A user's policy in its own jar (the test classpath): trains rows 0, 2, 4, ... of every batch. */
public final class EveryOtherRowPolicy implements SelectionPolicy {

    @Override
    public Selection select(PolicyBatch batch) {
        NDArray rows = batch.manager().arange(0L, (long) batch.size(), 2L, ai.djl.ndarray.types.DataType.INT64);
        int count = (batch.size() + 1) / 2;
        return Selection.of(rows, count, count, false);
    }

    /** Registers {@link EveryOtherRowPolicy} as {@code every-other-row}. */
    public static final class Factory implements SelectionPolicyFactory {
        @Override
        public String name() {
            return "every-other-row";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of();
        }

        @Override
        public SelectionPolicy create(PluginContext context) {
            return new EveryOtherRowPolicy();
        }
    }
}
