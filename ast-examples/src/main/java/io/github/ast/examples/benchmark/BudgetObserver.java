package io.github.ast.examples.benchmark;

import ai.djl.training.Trainer;
import io.github.ast.api.PreparationWork;
import io.github.ast.core.BatchResult;
import io.github.ast.core.EpochStats;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.TrainingObserver;
import io.github.ast.djl.schedule.TrainingClock;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark run's account, kept alike for every arm: after each batch it waits for the step, counts the rows,
 * evaluates on the run's clock when an evaluation is due (the clock paused meanwhile) and stops the run when the
 * clock reaches the budget. AST's {@code fit} calls it as an observer; the full-data control's plain loop calls it
 * directly.
 */
final class BudgetObserver implements TrainingObserver {

    /** Evaluates the model at a point of the run. */
    interface Evaluator {
        Evaluation evaluate(double scheduled, int epoch, long batches, long forwarded, long backpropagated);
    }

    private final Trainer trainer;
    private final TrainingClock clock;
    private final ArmRunner.TimeSource time;
    private final EvaluationSchedule schedule;
    private final Evaluator evaluator;
    private final double budget;
    final List<Evaluation> evaluations = new ArrayList<>();
    final List<Float> gateRates = new ArrayList<>();
    final List<Float> thresholds = new ArrayList<>();
    long batches;
    long skipped;
    long fallbacks;
    int epoch;
    /** Rows of the epochs that ended, and of the current one so far (its preparation included). */
    private long forwardedBefore;
    private long backpropagatedBefore;
    private long forwardedInEpoch;
    private long backpropagatedInEpoch;

    BudgetObserver(Trainer trainer, TrainingClock clock, ArmRunner.TimeSource time, double evaluateEvery,
            double budget, Evaluator evaluator) {
        this.trainer = trainer;
        this.clock = clock;
        this.time = time;
        this.schedule = new EvaluationSchedule(evaluateEvery, budget);
        this.evaluator = evaluator;
        this.budget = budget;
        evaluations.add(evaluator.evaluate(0, 0, 0, 0, 0));
    }

    @Override
    public void onPreparation(PreparationWork work) {
        forwardedInEpoch += work.forwarded();
        backpropagatedInEpoch += work.backPropagated();
    }

    @Override
    public void onBatch(int epoch, BatchResult result) {
        trained(epoch, result.forwarded(), result.backPropagated(), result.skipped(), result.fallback());
        if (!Double.isNaN(result.threshold())) {
            gateRates.add((float) result.gateActive() / Math.max(1, result.batchSize()));
            thresholds.add((float) result.threshold());
        }
    }

    /** Counts a batch trained on its rows, with no policy: the full-data control's. */
    void trainedPlain(int epoch, int rows) {
        trained(epoch, rows, rows, false, false);
    }

    private void trained(int number, long forwarded, long backpropagated, boolean skip, boolean fallback) {
        waitForStep();
        time.afterBatch();
        epoch = number;
        batches++;
        forwardedInEpoch += forwarded;
        backpropagatedInEpoch += backpropagated;
        skipped += skip ? 1 : 0;
        fallbacks += fallback ? 1 : 0;
    }

    /** An epoch's figures hold all its rows: the rows queued for a pooled step and trained at its end included. */
    @Override
    public void onEpoch(EpochStats stats) {
        waitForStep();
        forwardedBefore += stats.forwarded();
        backpropagatedBefore += stats.backPropagated();
        forwardedInEpoch = 0;
        backpropagatedInEpoch = 0;
    }

    @Override
    public boolean continueTraining(int epoch, BatchResult result) {
        return continueTraining();
    }

    /** {@return whether the budget leaves time}, evaluating first when an evaluation is due */
    boolean continueTraining() {
        double now = clock.seconds();
        if (schedule.isOver(now)) {
            return false;
        }
        double label = schedule.due(now);
        if (!Double.isNaN(label)) {
            clock.pause();
            evaluations.add(evaluate(label));
            clock.start();
        }
        return true;
    }

    /** Evaluates at the end of the budget. */
    void finish() {
        clock.pause();
        evaluations.add(evaluate(budget));
    }

    private Evaluation evaluate(double scheduled) {
        return evaluator.evaluate(scheduled, epoch, batches, forwardedBefore + forwardedInEpoch,
                backpropagatedBefore + backpropagatedInEpoch);
    }

    /**
     * Waits until the step's updates are computed, on every arm alike: engines that run asynchronously (MXNet) would
     * otherwise let queued work finish after the clock was read, or during a paused evaluation, uncounted. One host
     * read of the parameters' sum ({@link PhaseTimes#awaitParameters}).
     */
    private void waitForStep() {
        PhaseTimes.awaitParameters(trainer);
    }
}
