package io.github.ast.selection.policies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Selection;

/**
 * InfoBatch's pruning (Qin et al., ICLR 2024) applied to a batch instead of an epoch: each row whose last training
 * loss is below the mean of the batch's known losses is dropped with probability {@code ratio}, and the kept rows of
 * that group weigh {@code 1 / (1 - ratio)}, so that the weighted loss stays an unbiased estimate of the batch's.
 * Rows never trained always train. The losses are the training forward's, kept in the trainer's score history: no
 * scoring pass. All of it runs on the engine; the host reads the kept count and the losses' sum.
 *
 * <p>Class-aware: the mean is each row's class's among the batch's known losses, and the row's drop probability is
 * {@code min(0.9, ratio * batch mean / class mean)}, so that rows of easy classes go and rows of hard (often rare)
 * classes stay; a class's lone row is never below its own mean. Classes are compared by label, row against row, so
 * the number of classes need not be known.
 */
final class PruneSelection {

    /** The most a class-aware drop probability may reach. */
    private static final float MAX_CLASS_RATIO = 0.9f;

    private final double ratio;
    private final RunRandom random;
    private final boolean classAware;

    /**
     * @param ratio probability of dropping a below-mean row, in (0, 1)
     * @param random the run's generator
     * @param classAware whether means and ratios are per class
     */
    PruneSelection(double ratio, RunRandom random, boolean classAware) {
        this.ratio = ratio;
        this.random = random;
        this.classAware = classAware;
    }

    boolean classAware() {
        return classAware;
    }

    double ratio() {
        return ratio;
    }

    /** {@return the batch's rows to train with their weights}, or a skip when the losses are not finite */
    Selection select(PolicyBatch batch) {
        int size = batch.size();
        NDManager manager = batch.manager();
        Shape rows = new Shape(size);
        NDArray losses = batch.scoring().losses().toType(DataType.FLOAT32, false);
        NDArray seen = batch.unseen() == null ? manager.ones(rows, DataType.BOOLEAN) : batch.unseen().logicalNot();
        NDArray seenCount = seen.toType(DataType.FLOAT32, false);
        NDArray known = NDArrays.where(seen, losses, manager.zeros(rows));
        NDArray mean = known.sum().div(seenCount.sum().maximum(1f));
        NDArray uniform = random.uniform(manager, rows);
        NDArray below;
        NDArray dropped;
        NDArray weights;
        double maxWeight;
        if (classAware) {
            NDArray label = batch.scoring().labels().head().toType(DataType.FLOAT32, false).reshape(size, 1);
            NDArray sameClass = label.eq(label.transpose()).toType(DataType.FLOAT32, false);
            NDArray classMean = sameClass.matMul(known.reshape(size, 1)).reshape(size)
                    .div(sameClass.matMul(seenCount.reshape(size, 1)).reshape(size).maximum(1f));
            NDArray scaled = mean.mul((float) ratio).div(classMean).minimum(MAX_CLASS_RATIO);
            NDArray rowRatio = NDArrays.where(classMean.gt(0f), scaled, manager.full(rows, (float) ratio));
            below = known.lt(classMean).logicalAnd(seen);
            dropped = below.logicalAnd(uniform.lt(rowRatio));
            weights = NDArrays.where(below, manager.ones(rows).div(rowRatio.neg().add(1f)), manager.ones(rows));
            maxWeight = 1 / (1 - MAX_CLASS_RATIO);
        } else {
            below = known.lt(mean).logicalAnd(seen);
            dropped = below.logicalAnd(uniform.lt((float) ratio));
            float weight = (float) (1 / (1 - ratio));
            weights = NDArrays.where(below, manager.full(rows, weight), manager.ones(rows));
            maxWeight = weight;
        }
        NDArray kept = dropped.logicalNot();
        float[] read = NDArrays.stack(new NDList(kept.toType(DataType.FLOAT32, false).sum(), known.sum()))
                .toFloatArray();
        if (!Float.isFinite(read[1])) {
            return Selection.skip((classAware ? "class-aware " : "") + "prune's recorded losses are not finite (sum "
                    + read[1] + ")");
        }
        int count = Math.round(read[0]);
        NDArray chosen = kept.nonzero().reshape(-1);
        return new Selection(chosen, weights.get(new NDIndex("{}", chosen)), count, count, false, maxWeight, null);
    }
}
