package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The 1/p reweighting of explored samples makes the expected gradient equal to the full batch's, checked
 * numerically on a linear softmax model: the average of many sparse gradients converges to the full gradient, while
 * the unweighted sparse gradient does not.
 */
class RescalingTest {

    private static final int BATCH = 32;
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final double P = 0.25;

    @Test
    void reweightedSparseGradientIsUnbiasedOnALinearModel() {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(11);
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(BATCH, FEATURES));
            NDArray labels = m.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT32);
            NDArray w = m.randomNormal(new Shape(FEATURES, CLASSES)).mul(0.5f);
            w.setRequiresGradient(true);
            NDArray gated = m.arange(BATCH).lt(8); // the first 8 samples always train, the rest are explored

            float[] full = gradient(w, x, labels, null, null);
            double[] weighted = new double[full.length];
            double[] unweighted = new double[full.length];
            int draws = 3000;
            for (int d = 0; d < draws; d++) {
                NDArray explored = m.randomUniform(0f, 1f, new Shape(BATCH)).lt((float) P)
                        .logicalAnd(gated.logicalNot());
                NDArray rows = gated.logicalOr(explored).nonzero().reshape(-1);
                NDArray weights = io.github.ast.selection.policies.GatedPolicy.explorationWeights(explored, P).get(new NDIndex("{}", rows));
                float[] g = gradient(w, x, labels, rows, weights);
                float[] u = gradient(w, x, labels, rows, m.ones(new Shape(rows.size())));
                for (int i = 0; i < g.length; i++) {
                    weighted[i] += g[i] / draws;
                    unweighted[i] += u[i] / draws;
                }
            }
            assertThat(relativeError(weighted, full)).isLessThan(0.05);
            assertThat(relativeError(unweighted, full)).isGreaterThan(0.15); // the check can tell biased from not
        }
    }

    /** Gradient of sum(w * CE) / BATCH over the given rows (all rows, weight 1, when rows is null). */
    private static float[] gradient(NDArray w, NDArray x, NDArray labels, NDArray rows, NDArray weights) {
        NDManager m = x.getManager();
        NDArray xs = rows == null ? x : x.get(new NDIndex("{}", rows));
        NDArray ys = rows == null ? labels : labels.get(new NDIndex("{}", rows));
        NDArray ws = weights == null ? m.ones(new Shape(xs.getShape().get(0))) : weights;
        w.getGradient().muli(0f); // gradients accumulate across backward passes
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logits = xs.matMul(w);
            NDArray perSample = logits.logSoftmax(1).mul(ys.oneHot(CLASSES)).sum(new int[] {1}).neg();
            collector.backward(WeightedStep.rescaledLoss(perSample, ws, BATCH));
        }
        return w.getGradient().toFloatArray();
    }

    private static double relativeError(double[] estimate, float[] truth) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < truth.length; i++) {
            diff += (estimate[i] - truth[i]) * (estimate[i] - truth[i]);
            norm += (double) truth[i] * truth[i];
        }
        return Math.sqrt(diff / norm);
    }
}
