package io.github.ast.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener.BatchData;
import io.github.ast.api.SelectionPolicy;
import java.util.List;
import java.util.Map;

/**
 * Runs a batch's assembled steps through the weighted step and hands what each trained to those that learn from it:
 * the score history, the sampler, the policy and the trainer's listeners.
 */
final class BatchSteps {

    private final WeightedStep step;
    private final SelectionPolicy.LearnsFromSteps learner;
    private final SampleHistory history;
    private final SamplerWeights sampled;
    private final PhaseTimes times;

    /**
     * @param learner the policy, when it learns from the steps' losses; else null
     * @param history the run's score history, or null without one
     * @param sampled the training set's sampler's weights, or null when it gives none
     */
    BatchSteps(WeightedStep step, SelectionPolicy.LearnsFromSteps learner, SampleHistory history,
            SamplerWeights sampled, PhaseTimes times) {
        this.step = step;
        this.learner = learner;
        this.history = history;
        this.sampled = sampled;
        this.times = times;
    }

    /** What the steps run for one batch did. */
    record Done(int rows, double lossSum, long correct, boolean failed) {}

    /**
     * Trains a batch's every row in one step, with no scoring pass (warm-up, annealing, a policy that trains all).
     *
     * @return the step's outputs, or null when it was not applied
     */
    WeightedStep.Trained trainAll(Trainer trainer, Batch batch, NDArray indices) {
        int size = batch.getSize();
        StepRows rows = new StepRows(batch.getData(), batch.getLabels(), null,
                sampled == null ? null : sampled.of(batch), indices, size, size);
        WeightedStep.Trained trained = step.run(trainer, rows, true);
        if (trained != null) {
            record(rows, trained);
            if (sampled != null) {
                sampled.record(batch, null, trained.perSampleLosses());
            }
            notifyTraining(trainer, batch, batch.getLabels(), trained.predictions());
        }
        return trained;
    }

    /** {@return the sampler's weights of a batch's rows}, or null when it gives none */
    NDArray sampleWeights(Batch batch) {
        return sampled == null ? null : sampled.of(batch);
    }

    /**
     * Runs the steps; without a scoring pass (stale scores) their labels are validated here and listeners see each
     * step's rows (except a flush at the epoch's end, which has no batch to report).
     *
     * @param batch the batch the steps came from, or null for a flush
     * @param selected the batch's rows the steps train (one step per batch with the sampler's weights), or null
     */
    Done train(Trainer trainer, Batch batch, NDArray selected, List<StepRows> steps, boolean stale) {
        int rows = 0;
        double lossSum = 0;
        long correct = 0;
        boolean failed = false;
        for (StepRows rowsOfStep : steps) {
            WeightedStep.Trained trained = step.run(trainer, rowsOfStep, stale);
            if (trained == null) {
                failed = true;
                continue;
            }
            if (learner != null) {
                learner.trained(trained.perSampleLosses());
            }
            record(rowsOfStep, trained);
            if (sampled != null) {
                sampled.record(batch, selected, trained.perSampleLosses());
            }
            if (batch != null && stale) {
                notifyTraining(trainer, batch, rowsOfStep.labels(), trained.predictions());
            }
            rows += rowsOfStep.count();
            lossSum += trained.lossSum();
            correct += trained.correct();
        }
        return new Done(rows, lossSum, correct, failed);
    }

    private void record(StepRows rows, WeightedStep.Trained trained) {
        if (history != null) {
            history.record(rows.indices(), trained.predictions().head(), trained.perSampleLosses());
        }
    }

    /** Tells the trainer's listeners what a batch trained on, as {@code EasyTrain.trainBatch} does. */
    void notifyTraining(Trainer trainer, Batch batch, NDList labels, NDList predictions) {
        Device device = labels.head().getDevice();
        BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
        times.mark(); // what ran since the last phase (history, policy, energy) stays unattributed
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
        times.end(PhaseTimes.Phase.LISTENERS, (NDArray) null);
    }
}
