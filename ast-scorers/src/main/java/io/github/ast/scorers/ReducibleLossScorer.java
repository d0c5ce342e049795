package io.github.ast.scorers;

import ai.djl.ndarray.NDArray;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.ReferenceModel;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.ScorerFactory;
import java.util.Objects;

/**
 * Significance = reducible loss, the training loss minus a reference model's loss (RHO-LOSS, Mindermann et al.,
 * 2022), clamped at zero and normalised like the loss, in [0, 1].
 *
 * <p>High loss alone favours noisy and mislabelled samples; subtracting what a model trained on held-out data still
 * gets wrong keeps the samples that are learnable and not yet learnt.
 */
public final class ReducibleLossScorer implements Scorer {

    private final ReferenceModel reference;

    /**
     * Creates the scorer.
     *
     * @param reference the reference model
     */
    public ReducibleLossScorer(ReferenceModel reference) {
        this.reference = Objects.requireNonNull(reference, "reference");
    }

    @Override
    public NDArray score(ScoringBatch batch) {
        NDArray referenceLoss = reference.perSampleLoss(batch.data(), batch.labels());
        NDArray reducible = batch.losses().sub(referenceLoss).clip(0f, Float.MAX_VALUE);
        return Normalisation.relativeToMean(reducible);
    }

    /** Creates {@link ReducibleLossScorer} under the name {@code reducible-loss}; needs a {@link ReferenceModel}. */
    public static final class Factory implements ScorerFactory {
        @Override
        public String name() {
            return "reducible-loss";
        }

        @Override
        public Scorer create(PluginContext context) {
            return new ReducibleLossScorer(context.service(ReferenceModel.class).orElseThrow(
                    () -> new ConfigurationException("scorer 'reducible-loss' needs a reference model; supply one "
                            + "with AdaptiveSparseTraining.builder(config).service(ReferenceModel.class, model)")));
        }
    }
}
