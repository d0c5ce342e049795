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
 * @param worstClassAccuracy the lowest accuracy of a test class; 0 in runs recorded before it was
 * @param tailAccuracy mean test accuracy over the long tail's rarer half of the classes; NaN on balanced data, 0 in
 *     runs recorded before it was
 * @param holdoutAccuracy accuracy on the clean holdout; NaN without one, 0 in runs recorded before it was
 */
public record Evaluation(double scheduledSeconds, double seconds, int epoch, long batches, long forwarded,
        long backpropagated, double learningRate, double testAccuracy, double testLoss, double validationAccuracy,
        double validationLoss, double worstClassAccuracy, double tailAccuracy, double holdoutAccuracy) {

    /**
     * An evaluation without per-class figures or a holdout.
     *
     * @param scheduledSeconds see the record
     * @param seconds see the record
     * @param epoch see the record
     * @param batches see the record
     * @param forwarded see the record
     * @param backpropagated see the record
     * @param learningRate see the record
     * @param testAccuracy see the record
     * @param testLoss see the record
     * @param validationAccuracy see the record
     * @param validationLoss see the record
     */
    public Evaluation(double scheduledSeconds, double seconds, int epoch, long batches, long forwarded,
            long backpropagated, double learningRate, double testAccuracy, double testLoss, double validationAccuracy,
            double validationLoss) {
        this(scheduledSeconds, seconds, epoch, batches, forwarded, backpropagated, learningRate, testAccuracy, testLoss,
                validationAccuracy, validationLoss, Double.NaN, Double.NaN, Double.NaN);
    }
}
