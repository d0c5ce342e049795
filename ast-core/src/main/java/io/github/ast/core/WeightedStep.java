package io.github.ast.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.github.ast.api.PerSampleLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward and backward on some rows, across the trainer's devices, then the optimiser step: the only place that
 * changes the model's weights.
 *
 * <p>The rows are split into balanced contiguous shares, one per device (or {@code ast.splits} micro-batches); each
 * device back-propagates once, over the sum of its shares' losses, because engines that overwrite gradients on each
 * backward (MXNet) would otherwise keep only the last share's. With weights the loss is
 * {@code sum(w * loss) / divisor}; without, the trainer's own loss, each share's mean weighted by its size.
 */
final class WeightedStep {

    private static final Logger LOG = LoggerFactory.getLogger(WeightedStep.class);

    private final PerSampleLoss perSampleLoss;
    private final int splits;
    private final PhaseTimes times;

    /**
     * @param perSampleLoss the unreduced loss, for the history and the weighted loss
     * @param splits shares per step, 0 for one per device
     * @param times the profile's recorder, {@link PhaseTimes#OFF} outside profiles
     */
    WeightedStep(PerSampleLoss perSampleLoss, int splits, PhaseTimes times) {
        this.perSampleLoss = perSampleLoss;
        this.splits = splits;
        this.times = times;
    }

    /** What a training forward produced, read back once: for statistics and the history. */
    record Trained(NDList predictions, NDArray perSampleLosses, double lossSum, long correct) {}

    /**
     * Trains on the rows and steps the optimiser.
     *
     * @param trainer the DJL trainer
     * @param rows the rows
     * @param validateLabels check the labels against the outputs (when no scoring pass did)
     * @return the training outputs, or null when the step was skipped because some inputs or losses were not
     *     finite (the parameters are then untouched)
     */
    Trained run(Trainer trainer, StepRows rows, boolean validateLabels) {
        Device[] devices = trainer.getDevices();
        List<long[]> ranges = Shares.balanced(rows.count(), splits > 0 ? splits : devices.length);
        Trained trained;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            List<NDList> shareLabels = new ArrayList<>();
            List<NDList> sharePredictions = new ArrayList<>();
            List<NDArray> sharePerSample = new ArrayList<>();
            NDArray invalidLabels = null; // counted on the engine, read with the step's figures
            for (int i = 0; i < ranges.size(); i++) {
                Device device = devices[i % devices.length];
                NDList data = toDevice(share(rows.data(), ranges, i), device);
                NDList labels = toDevice(share(rows.labels(), ranges, i), device);
                NDList predictions = trainer.forward(data, labels);
                times.end(PhaseTimes.Phase.TRAINING_FORWARD, predictions);
                NDArray invalid = validateLabels ? perSampleLoss.countInvalidLabels(labels, predictions) : null;
                if (invalid != null) {
                    invalid = Validation.figure(invalid, devices[0]);
                    invalidLabels = invalidLabels == null ? invalid : invalidLabels.add(invalid);
                }
                shareLabels.add(labels);
                sharePredictions.add(predictions);
                sharePerSample.add(validateLabels ? perSampleLoss.computeUnchecked(labels, predictions)
                        : perSampleLoss.compute(labels, predictions));
                times.end(PhaseTimes.Phase.LOSSES, sharePerSample.get(i));
            }
            NDList predictions = gather(sharePredictions, devices[0]);
            NDArray perSample = concat(sharePerSample, devices[0]);
            NDList labels = gather(shareLabels, devices[0]);
            NDList figures = new NDList(perSample.sum().toType(DataType.FLOAT32, false),
                    Validation.count(Validation.correct(predictions.head(), labels)),
                    NonFinite.count(rows.data()).toDevice(devices[0], false));
            if (invalidLabels != null) {
                figures.add(invalidLabels);
            }
            float[] read = NDArrays.stack(figures).toFloatArray();
            if (invalidLabels != null) {
                Validation.requireValidLabels(read[3], perSampleLoss, shareLabels, sharePredictions);
            }
            if (read[2] > 0) {
                LOG.warn("Skipped a step of {} samples: {} of them have NaN or infinite inputs, which would make the "
                        + "gradients non-finite even where the loss is finite (sum {})", rows.count(),
                        Math.round(read[2]), read[0]);
                return null;
            }
            if (!Double.isFinite(read[0])) {
                LOG.warn("Skipped a step of {} samples: the training forward produced non-finite losses (sum {})",
                        rows.count(), read[0]);
                return null;
            }
            Map<Device, NDArray> lossByDevice = new LinkedHashMap<>();
            for (int i = 0; i < ranges.size(); i++) {
                Device device = devices[i % devices.length];
                NDArray loss;
                if (rows.weights() != null) {
                    NDArray shareWeights = ranges.size() == 1 ? rows.weights()
                            : rows.weights().get(ranges.get(i)[0] + ":" + ranges.get(i)[1]);
                    loss = rescaledLoss(sharePerSample.get(i), shareWeights.toDevice(device, false), rows.divisor());
                } else {
                    loss = trainer.getLoss().evaluate(shareLabels.get(i), sharePredictions.get(i));
                    if (ranges.size() > 1) {
                        long shareSize = ranges.get(i)[1] - ranges.get(i)[0];
                        loss = loss.mul((float) shareSize / rows.count());
                    }
                }
                lossByDevice.merge(device, loss, NDArray::add);
            }
            if (times.isOn()) {
                times.end(PhaseTimes.Phase.LOSSES, lossByDevice.values().iterator().next());
            }
            lossByDevice.values().forEach(collector::backward);
            times.endBackward(trainer);
            trained = new Trained(predictions, perSample, read[0], Math.round(read[1]));
        }
        trainer.step();
        times.endOptimizer(trainer);
        return trained;
    }

    /**
     * Returns {@code sum(w * loss) / divisor}: with weights whose expectation is 1 and the scored batch's size as
     * divisor, an unbiased estimate of the full batch's mean loss, and so of its gradient.
     *
     * @param perSample the trained samples' losses
     * @param weights their weights
     * @param divisor the scored batch's size (per-batch steps) or the step's rows (pooled steps)
     * @return the scalar loss
     */
    static NDArray rescaledLoss(NDArray perSample, NDArray weights, int divisor) {
        return perSample.mul(weights).sum().div((float) divisor);
    }

    /** The i-th share of some arrays: all of them when there is one share, so a single device copies nothing. */
    private static NDList share(NDList arrays, List<long[]> ranges, int i) {
        if (ranges.size() == 1) {
            return arrays;
        }
        String slice = ranges.get(i)[0] + ":" + ranges.get(i)[1];
        NDList share = new NDList(arrays.size());
        arrays.forEach(array -> share.add(array.get(slice)));
        return share;
    }

    static NDList toDevice(NDList arrays, Device device) {
        return arrays.head().getDevice().equals(device) ? arrays : arrays.toDevice(device, false);
    }

    static NDList gather(List<NDList> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList heads = new NDList();
        shares.forEach(share -> heads.add(share.head()));
        return new NDList(concat(heads, device));
    }

    static NDArray concat(List<NDArray> shares, Device device) {
        if (shares.size() == 1) {
            return shares.get(0);
        }
        NDList onDevice = new NDList();
        shares.forEach(share -> onDevice.add(share.toDevice(device, false)));
        return NDArrays.concat(onDevice);
    }
}
