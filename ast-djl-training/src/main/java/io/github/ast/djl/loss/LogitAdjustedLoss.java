package io.github.ast.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Arrays;

/**
 * The logit-adjusted softmax cross-entropy of Menon et al. (ICLR 2021), the second remedy for a long tail: training
 * adds {@code tau * log(prior_c)} to each class's logit before the softmax, so that a rare class's row must beat a
 * frequent class by a margin of {@code tau * log(prior_frequent / prior_rare)}; prediction uses the raw logits, which
 * then estimate the balanced error's optimum. Labels are sparse class
 * indices, predictions logits, as DJL's {@code SoftmaxCrossEntropyLoss} takes them.
 */
public final class LogitAdjustedLoss extends Loss {

    private final float[] offsets;
    private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();

    /**
     * Creates the loss from the training set's class counts.
     *
     * @param classCounts rows per class in the training set, each >= 1
     * @param tau the adjustment's strength, finite and >= 0 (1 in the paper)
     * @throws IllegalArgumentException naming a count below 1 or a bad {@code tau}
     */
    public LogitAdjustedLoss(long[] classCounts, double tau) {
        super("LogitAdjustedLoss");
        this.offsets = offsets(classCounts, tau);
    }

    /**
     * Returns the offsets added to the logits: {@code tau * ln(count_c / total)}.
     *
     * @param classCounts rows per class, each >= 1
     * @param tau finite and >= 0
     * @return one offset per class
     * @throws IllegalArgumentException naming a count below 1 or a bad {@code tau}
     */
    public static float[] offsets(long[] classCounts, double tau) {
        if (!(tau >= 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("logit adjustment tau " + tau + " must be finite and >= 0");
        }
        long total = 0;
        for (int c = 0; c < classCounts.length; c++) {
            if (classCounts[c] < 1) {
                throw new IllegalArgumentException("class " + c + " has " + classCounts[c] + " training rows; "
                        + "logit adjustment needs >= 1 per class (the log prior of an absent class is -infinity)");
            }
            total += classCounts[c];
        }
        float[] offsets = new float[classCounts.length];
        for (int c = 0; c < offsets.length; c++) {
            offsets[c] = (float) (tau * Math.log((double) classCounts[c] / total));
        }
        return offsets;
    }

    /** {@return the offsets added to the logits in training, a copy} */
    public float[] offsets() {
        return offsets.clone();
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        if (logits.getShape().get(logits.getShape().dimension() - 1) != offsets.length) {
            throw new IllegalArgumentException("logits of shape " + logits.getShape() + " for " + offsets.length
                    + " classes' offsets " + Arrays.toString(offsets));
        }
        NDArray adjusted = logits.add(logits.getManager().create(offsets));
        return crossEntropy.evaluate(labels, new NDList(adjusted));
    }
}
