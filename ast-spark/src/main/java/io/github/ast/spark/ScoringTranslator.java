package io.github.ast.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.core.AstConfig;
import io.github.ast.core.PluginRegistry;
import java.util.Map;

/**
 * The scoring pass as a DJL translator: a host batch in, the model's gradient-free forward, the per-sample losses
 * and the configured {@link Scorer} on the engine, and each row's score and loss back on the host. Every engine array
 * lives in the predictor's context and is freed after each batch. The cluster and the in-process scoring both run it,
 * so they score alike; a scorer's random draws restart for each batch from the seed and the batch's first index, so
 * they do not depend on which task scores which batches.
 */
final class ScoringTranslator implements NoBatchifyTranslator<RowBatch, ScoringTranslator.Scores> {

    /**
     * One batch's results, in the batch's row order.
     *
     * @param scores each row's score
     * @param losses each row's loss
     */
    record Scores(float[] scores, float[] losses) {}

    private static final String INPUT = "input";

    private final ScoringModel model;
    private final long seed;
    private final RunRandom random;
    private final Scorer scorer;
    private final PerSampleLoss loss = PerSampleLoss.softmaxCrossEntropy();

    /**
     * Creates the translator, with the scorer the configuration names.
     *
     * @param model the model version, for the sample shape
     * @param config the configuration: {@code ast.scorer} and its settings
     * @throws io.github.ast.api.ConfigurationException if the scorer or a setting is unknown or invalid
     */
    ScoringTranslator(ScoringModel model, AstConfig config) {
        this.model = model;
        this.seed = config.random().seed();
        this.random = new RunRandom(seed);
        this.scorer = PluginRegistry.load(ScoringTranslator.class.getClassLoader()).create("scorer", Scorer.class,
                config.plugins().scorer(), config.contextFor("scorer", Map.of(RunRandom.class, random)));
    }

    @Override
    public NDList processInput(TranslatorContext ctx, RowBatch batch) {
        // A scorer that draws (random scores) draws as a function of the batch, whichever task scores it.
        random.reseed(seed ^ batch.indices()[0] * 0x9E3779B97F4A7C15L);
        NDManager manager = ctx.getNDManager();
        NDList input = new NDList(manager.create(batch.features(), model.batchShape(batch.size())));
        ctx.setAttachment(INPUT, new NDList(input.head(), manager.create(batch.labels())));
        return input;
    }

    @Override
    public Scores processOutput(TranslatorContext ctx, NDList outputs) {
        NDList input = (NDList) ctx.getAttachment(INPUT);
        NDList data = new NDList(input.get(0));
        NDList labels = new NDList(input.get(1));
        loss.validate(labels, outputs);
        NDArray losses = loss.compute(labels, outputs);
        NDArray scores = scorer.score(new ScoringBatch(data, labels, outputs, losses));
        return new Scores(scores.toType(DataType.FLOAT32, false).toFloatArray(),
                losses.toType(DataType.FLOAT32, false).toFloatArray());
    }
}
