package io.github.ast.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster's scoring and selection in one process, without Spark: the same scoring batches, the same translator
 * and the same cut, so that a Spark selection can be checked against it row for row, and the cluster's throughput
 * compared with one JVM's.
 */
public final class InProcessScoring {

    private InProcessScoring() {}

    /**
     * Every row's score and loss.
     *
     * @param modelVersion the version that scored them
     * @param indices the rows' dataset indices, as given
     * @param scores their scores
     * @param losses their losses
     */
    public record Scored(String modelVersion, long[] indices, float[] scores, float[] losses) {}

    /**
     * A selection.
     *
     * @param indices the selected indices, in the order of the input
     * @param weights their weights
     * @param cut the figure the policy stood on
     */
    public record Selection(long[] indices, float[] weights, EpochCut cut) {}

    /**
     * Scores rows held on the host.
     *
     * @param model the model version
     * @param config the scorer and the scoring batch size
     * @param indices the rows' distinct dataset indices
     * @param features the rows' features, flattened row after row
     * @param labels the rows' labels
     * @return every row's score and loss
     * @throws TranslateException if the model fails on a batch
     */
    public static Scored score(ScoringModel model, SparkScoringConfig config, long[] indices, float[] features,
            float[] labels) throws TranslateException {
        int rows = indices.length;
        int sampleSize = Math.toIntExact(model.sampleSize());
        if (features.length != (long) rows * sampleSize || labels.length != rows) {
            throw new IllegalArgumentException(rows + " rows need " + (long) rows * sampleSize + " feature values and "
                    + rows + " labels; got " + features.length + " and " + labels.length);
        }
        int batches = (rows + config.batchSize() - 1) / config.batchSize();
        List<List<Integer>> members = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            members.add(new ArrayList<>());
        }
        Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(indices[a], indices[b]));
        for (int i : order) {
            members.get(EpochCut.batchOf(config.ast().random().seed(), indices[i], batches)).add(i);
        }
        float[] scores = new float[rows];
        float[] losses = new float[rows];
        try (Model loaded = model.load();
                Predictor<RowBatch, ScoringTranslator.Scores> predictor =
                        loaded.newPredictor(new ScoringTranslator(model, config.ast()))) {
            for (List<Integer> batch : members) {
                if (batch.isEmpty()) {
                    continue;
                }
                long[] batchIndices = new long[batch.size()];
                float[] batchFeatures = new float[batch.size() * sampleSize];
                float[] batchLabels = new float[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    int row = batch.get(i);
                    batchIndices[i] = indices[row];
                    batchLabels[i] = labels[row];
                    System.arraycopy(features, row * sampleSize, batchFeatures, i * sampleSize, sampleSize);
                }
                ScoringTranslator.Scores out = predictor.predict(new RowBatch(batchIndices, batchFeatures,
                        batchLabels));
                for (int i = 0; i < batch.size(); i++) {
                    scores[batch.get(i)] = out.scores()[i];
                    losses[batch.get(i)] = out.losses()[i];
                }
            }
        }
        return new Scored(model.version(), indices.clone(), scores, losses);
    }

    /**
     * Selects from scored rows with the configured policy.
     *
     * @param config the policy and its settings
     * @param scored every row's score and loss
     * @return the selection
     */
    public static Selection select(SparkScoringConfig config, Scored scored) {
        EpochCut cut = EpochCut.of(config, scored.modelVersion(), scored.scores(), scored.losses());
        List<Integer> kept = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        for (int i = 0; i < scored.indices().length; i++) {
            float weight = cut.weight(scored.indices()[i], scored.scores()[i], scored.losses()[i]);
            if (weight > 0) {
                kept.add(i);
                weights.add(weight);
            }
        }
        long[] indices = new long[kept.size()];
        float[] w = new float[kept.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = scored.indices()[kept.get(i)];
            w[i] = weights.get(i);
        }
        return new Selection(indices, w, cut);
    }
}
