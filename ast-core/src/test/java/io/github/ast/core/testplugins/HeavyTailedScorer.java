package io.github.ast.core.testplugins;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import java.util.Set;

/**
 * Heavy-tailed random scores (log-normal, σ 3), where importance sampling reduces variance a lot; with
 * {@code ast.scorer.sleepMillis} it also sleeps, a scorer too costly to pay for itself.
 */
public final class HeavyTailedScorer implements Scorer {

    private final long sleepMillis;

    HeavyTailedScorer(long sleepMillis) {
        this.sleepMillis = sleepMillis;
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sleeping", e);
            }
        }
        return batch.losses().getManager().randomNormal(new Shape(batch.size())).mul(3f).exp();
    }

    /** Registers {@link HeavyTailedScorer} as {@code heavy-tailed}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "heavy-tailed";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("sleepMillis");
        }

        @Override
        public Scorer create(PluginContext context) {
            return new HeavyTailedScorer(context.settings().getInt("sleepMillis", 0));
        }
    }
}
