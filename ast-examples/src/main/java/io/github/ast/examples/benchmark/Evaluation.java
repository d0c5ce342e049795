package io.github.ast.examples.benchmark;

/**
 * One evaluation of a run, taken at the first batch end after a scheduled point of training time.
 *
 * @param scheduledSeconds the training time this evaluation stands for (k times the interval, or the budget)
 * @param seconds the training time when it was taken (evaluation excluded from the clock)
 * @param epoch the epoch in progress (1-based; 0 before training)
 * @param batches batches trained so far
 * @param forwarded samples forwarded so far, scoring and training forwards both counted
 * @param backpropagated samples back-propagated so far
 * @param learningRate the learning rate at that moment
 * @param testAccuracy accuracy on the test set
 * @param testLoss mean cross-entropy on the test set
 * @param validationAccuracy accuracy on the validation split, the one to tune on
 * @param validationLoss mean cross-entropy on the validation split
 */
public record Evaluation(double scheduledSeconds, double seconds, int epoch, long batches, long forwarded,
        long backpropagated, double learningRate, double testAccuracy, double testLoss, double validationAccuracy,
        double validationLoss) {}
