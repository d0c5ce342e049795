package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * Significance from prediction confidence, in [0, 1]: {@code 1 - p(true class)} (mode {@code true-class}) or
 * {@code 1 - (p_top1 - p_top2)} (mode {@code top2}, label-free: small margins between the two best classes).
 *
 * <p>Unlike the loss, both are bounded, so one confidently wrong sample cannot dominate a batch's normalisation.
 */
public final class MarginScorer implements Scorer {

    /** Which margin to measure. */
    public enum Mode {
        /** One minus the probability of the labelled class. */
        TRUE_CLASS,
        /** One minus the gap between the two most probable classes. */
        TOP2
    }

    private final Mode mode;

    /**
     * Creates the scorer.
     *
     * @param mode which margin to measure
     */
    public MarginScorer(Mode mode) {
        this.mode = mode;
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray p = Probabilities.softmax(batch.predictions());
        if (mode == Mode.TRUE_CLASS) {
            NDArray trueClass = p.mul(Probabilities.oneHot(batch.labels().head(), p)).sum(new int[] {1});
            return trueClass.neg().add(1f).clip(0f, 1f);
        }
        if (p.getShape().get(1) < 2) {
            return p.sum(new int[] {1}).mul(0f); // one class: no competing class, no uncertainty
        }
        NDArray sorted = p.sort(1);
        long classes = p.getShape().get(1);
        NDArray top1 = sorted.get(":, " + (classes - 1));
        NDArray top2 = sorted.get(":, " + (classes - 2));
        return top1.sub(top2).neg().add(1f).clip(0f, 1f);
    }

    /**
     * The scorer's settings.
     *
     * @param mode which margin to measure
     */
    public record Options(@Option(description = "`true-class`: 1 - p(true class); `top2`: 1 - (p1 - p2), the gap "
            + "between the two most probable classes, label-free") Mode mode) {

        /** The true-class margin. */
        public static final Options DEFAULTS = new Options(Mode.TRUE_CLASS);
    }

    /** Creates {@link MarginScorer} under the name {@code margin}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "margin";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Scorer create(PluginContext context) {
            return new MarginScorer(context.options(Options.class).mode());
        }
    }
}
