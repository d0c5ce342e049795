package com.example.ast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.OptionCheck;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;

/**
 * A user-written scorer: the focal-loss weighting {@code (1 - p_true)^gamma * loss}, normalised relative to the
 * batch mean into [0, 1]. It down-weights samples the model already gets right with confidence more sharply than
 * the loss alone.
 *
 * <p>This module depends on {@code ast-api} only; the one line in
 * {@code META-INF/services/io.github.ast.api.spi.ScorerFactory} is what makes {@code ast.scorer=focal} work.
 */
public final class FocalScorer implements Scorer {

    private final float gamma;

    /**
     * Creates the scorer.
     *
     * @param gamma focusing exponent, finite and >= 0 (0 gives the plain loss)
     */
    public FocalScorer(double gamma) {
        this.gamma = (float) new Options(gamma).gamma(); // the one place the rule is written
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray logits = batch.predictions().toType(DataType.FLOAT32, false);
        NDArray oneHot = batch.labels().head().toType(DataType.INT32, false)
                .oneHot(Math.toIntExact(logits.getShape().get(1))).toType(DataType.FLOAT32, false);
        NDArray pTrue = logits.softmax(1).mul(oneHot).sum(new int[] {1});
        NDArray focal = pTrue.neg().add(1f).clip(0f, 1f).pow(gamma).mul(batch.losses());
        NDArray ratio = focal.add(1e-8f).div(focal.mean().add(1e-8f));
        return ratio.clip(0f, 2f).div(2f);
    }

    /**
     * The scorer's settings, {@code ast.scorer.*}: each key's type, default, description and check, written once.
     *
     * @param gamma focusing exponent, finite and >= 0
     */
    public record Options(@Option(description = "focusing exponent: 0 is the plain loss, higher values down-weight "
            + "confidently right samples more") double gamma) {

        /** The focal-loss paper's gamma, 2. */
        public static final Options DEFAULTS = new Options(2.0);

        /**
         * Validates the exponent.
         *
         * @param gamma focusing exponent, finite and >= 0
         */
        public Options {
            OptionCheck.require(Double.isFinite(gamma) && gamma >= 0, "gamma", gamma, "finite and >= 0");
        }
    }

    /** Registers the scorer under the name {@code focal}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "focal";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public Scorer create(PluginContext context) {
            return new FocalScorer(context.options(Options.class).gamma());
        }
    }
}
