package io.github.ast.examples.benchmark;

/**
 * Early stopping on the clean holdout, read off a run's evaluations: each evaluation reports the model that had the
 * best holdout accuracy so far (the one a practitioner would have kept), with the current evaluation's time and
 * counts. The first evaluation, before training, is the first best.
 */
final class EarlyStopping {

    private Evaluation best;

    /**
     * Takes an evaluation of the current model and returns what early stopping reports at this point.
     *
     * @param current the current model's evaluation, with its holdout accuracy
     * @return the best model's accuracies and losses at the current evaluation's time and counts
     */
    Evaluation report(Evaluation current) {
        if (best == null || current.holdoutAccuracy() > best.holdoutAccuracy()) {
            best = current;
        }
        return new Evaluation(current.scheduledSeconds(), current.seconds(), current.epoch(), current.batches(),
                current.forwarded(), current.backpropagated(), current.learningRate(), best.testAccuracy(),
                best.testLoss(), best.validationAccuracy(), best.validationLoss(), best.worstClassAccuracy(),
                best.tailAccuracy(), best.holdoutAccuracy());
    }
}
