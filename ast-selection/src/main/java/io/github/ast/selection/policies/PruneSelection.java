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
 */
final class PruneSelection {

    private final double ratio;
    private final RunRandom random;

    /**
     * @param ratio probability of dropping a below-mean row, in (0, 1)
     * @param random the run's generator
     */
    PruneSelection(double ratio, RunRandom random) {
        this.ratio = ratio;
        this.random = random;
    }

    double ratio() {
        return ratio;
    }

    /** {@return the batch's rows to train with their weights}, or a skip when the losses are not finite */
    Selection select(PolicyBatch batch) {
        int size = batch.size();
        NDManager manager = batch.manager();
        NDArray losses = batch.scoring().losses().toType(DataType.FLOAT32, false);
        NDArray seen = batch.unseen() == null ? manager.ones(new Shape(size), DataType.BOOLEAN)
                : batch.unseen().logicalNot();
        NDArray known = NDArrays.where(seen, losses, manager.zeros(new Shape(size)));
        NDArray mean = known.sum().div(seen.toType(DataType.FLOAT32, false).sum().maximum(1f));
        NDArray below = known.lt(mean).logicalAnd(seen);
        NDArray dropped = below.logicalAnd(random.uniform(manager, new Shape(size)).lt((float) ratio));
        NDArray kept = dropped.logicalNot();
        float weight = (float) (1 / (1 - ratio));
        NDArray weights = NDArrays.where(below, manager.full(new Shape(size), weight), manager.ones(new Shape(size)));
        float[] read = NDArrays.stack(new NDList(kept.toType(DataType.FLOAT32, false).sum(), known.sum()))
                .toFloatArray();
        if (!Float.isFinite(read[1])) {
            return Selection.skip("prune's recorded losses are not finite (sum " + read[1] + ")");
        }
        int count = Math.round(read[0]);
        NDArray rows = kept.nonzero().reshape(-1);
        return new Selection(rows, weights.get(new NDIndex("{}", rows)), count, count, false, weight, null);
    }
}
