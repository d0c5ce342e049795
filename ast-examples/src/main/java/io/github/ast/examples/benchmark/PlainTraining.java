package io.github.ast.examples.benchmark;

import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.core.GradientClipping;
import io.github.ast.djl.schedule.TrainingClock;
import java.io.IOException;

/**
 * The arms trained by plain DJL steps: {@code EasyTrain.trainBatch} and the optimiser step on every batch, with the
 * gradients clipped between them when the base configuration asks for it. They differ in the dataset (its sampler,
 * the rows kept), the trainer's loss ({@code full+la}), and, for fine-tuning, a second dataset the run switches to at
 * a point of its clock.
 *
 * @param trainer the trainer
 * @param budget the run's account, which says when to stop
 * @param clipping the clipping, or null
 */
record PlainTraining(Trainer trainer, BudgetObserver budget, GradientClipping clipping) {

    /**
     * Trains on one dataset until the budget is spent.
     *
     * @param train the dataset
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    void train(Dataset train) throws IOException, TranslateException {
        train(train, null, null, Double.POSITIVE_INFINITY);
    }

    /**
     * Trains on one dataset until the clock reaches a point, then on another until the budget is spent.
     *
     * @param first the dataset before the switch
     * @param then the dataset after it, or null for none
     * @param clock the run's clock
     * @param switchAt training seconds at which the run switches
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    void train(Dataset first, Dataset then, TrainingClock clock, double switchAt)
            throws IOException, TranslateException {
        boolean switched = false;
        for (int epoch = 1; ; epoch++) {
            long before = budget.batches;
            for (Batch batch : trainer.iterateDataset(switched ? then : first)) {
                try (batch) {
                    EasyTrain.trainBatch(trainer, batch);
                    if (clipping != null) {
                        clipping.clip(trainer);
                    }
                    trainer.step();
                    budget.trainedPlain(epoch, batch.getSize());
                }
                if (!budget.continueTraining()) {
                    return;
                }
                if (!switched && then != null && clock.seconds() >= switchAt) {
                    switched = true;
                    break;
                }
            }
            if (budget.batches == before) {
                throw new IllegalArgumentException("an epoch yielded no batch; the training set is empty");
            }
        }
    }
}
