package io.github.ast.examples.benchmark;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One arm trained with one seed under the budget: everything the summary is computed from, one line of
 * {@code runs.jsonl}.
 *
 * @param arm the arm's label
 * @param seed the seed of initialisation, data order, label noise and selection
 * @param evaluations every evaluation, in order, the first before training and the last at the budget
 * @param epochs epochs begun
 * @param skippedBatches batches the trainer skipped (non-finite scores or losses)
 * @param fallbacks batches where AST's random fallback trained
 * @param flippedLabels training labels flipped by label noise in this seed's data
 * @param wallSeconds the run's wall-clock seconds, evaluation included
 * @param gateRates for AST arms, the gate's activation on every batch; empty otherwise
 * @param thresholds for AST arms, the threshold after every batch; empty otherwise
 * @param processor the processor the run was timed on, with its widest vector extension ("AMD EPYC, avx512f"), so
 *     a configuration resumed on another machine says which seeds ran where; null in runs recorded before it was
 * @param decisions what the arm decided or paid beside training, one line each: {@code auto}'s decisions, what
 *     {@code dedup} removed, the cost of a reference trained before the clock; empty for the other arms and in runs
 *     recorded before it was
 */
public record RunRecord(String arm, long seed, List<Evaluation> evaluations, int epochs, long skippedBatches,
        long fallbacks, int flippedLabels, double wallSeconds, List<Float> gateRates, List<Float> thresholds,
        String processor, List<String> decisions) {

    /**
     * Copies the lists.
     *
     * @param arm see the record
     * @param seed see the record
     * @param evaluations see the record
     * @param epochs see the record
     * @param skippedBatches see the record
     * @param fallbacks see the record
     * @param flippedLabels see the record
     * @param wallSeconds see the record
     * @param gateRates see the record
     * @param thresholds see the record
     * @param processor see the record
     * @param decisions see the record; null is read as none
     */
    public RunRecord {
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
        evaluations = List.copyOf(evaluations);
        gateRates = List.copyOf(gateRates);
        thresholds = List.copyOf(thresholds);
    }

    /** {@return the last evaluation, at the budget} */
    public Evaluation last() {
        return evaluations.get(evaluations.size() - 1);
    }

    /**
     * Returns the scheduled training time of the first evaluation whose test accuracy reached a target: the target
     * was reached somewhere since the evaluation before, so the time is known to the evaluation grid, and two runs
     * that reached it at the same evaluation tie exactly (their clocks' few milliseconds past the mark are not a
     * speed-up).
     *
     * @param target accuracy in [0, 1]
     * @return seconds, or positive infinity when the run never reached it (censored)
     */
    public double secondsTo(double target) {
        return evaluations.stream().filter(e -> e.testAccuracy() >= target).mapToDouble(Evaluation::scheduledSeconds)
                .findFirst().orElse(Double.POSITIVE_INFINITY);
    }

    /**
     * Returns an accuracy at a point of training time: that of the last evaluation scheduled at or before it.
     *
     * @param split which accuracy: {@link Evaluation#testAccuracy} to report, {@link Evaluation#validationAccuracy}
     *     to choose settings on
     * @param seconds training seconds, at most the budget
     * @return the accuracy, NaN if the run was not evaluated by then
     */
    public double accuracyAt(ToDoubleFunction<Evaluation> split, double seconds) {
        double accuracy = Double.NaN;
        for (Evaluation e : evaluations) {
            if (e.scheduledSeconds() <= seconds + 1e-9) {
                accuracy = split.applyAsDouble(e);
            }
        }
        return accuracy;
    }
}
