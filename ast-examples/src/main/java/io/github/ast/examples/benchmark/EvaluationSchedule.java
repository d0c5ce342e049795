package io.github.ast.examples.benchmark;

/**
 * When a run is evaluated: at the first batch end after every {@code every} seconds of training time, each
 * evaluation labelled with the last grid point it passed (so a slow batch spanning several points yields one
 * evaluation, labelled with the latest), and at the budget.
 */
final class EvaluationSchedule {

    private final double every;
    private final double budget;
    private double next;

    /**
     * Creates a schedule.
     *
     * @param every training seconds between evaluations, > 0
     * @param budget the run's budget, > 0
     */
    EvaluationSchedule(double every, double budget) {
        this.every = every;
        this.budget = budget;
        this.next = Math.min(every, budget);
    }

    /** {@return whether the run has reached its budget at this training time} */
    boolean isOver(double seconds) {
        return seconds >= budget;
    }

    /**
     * Returns the grid point an evaluation taken now stands for, or NaN when none is due; a due evaluation moves the
     * schedule on.
     *
     * @param seconds the training time now, below the budget
     * @return the label in seconds, or NaN
     */
    double due(double seconds) {
        if (seconds < next) {
            return Double.NaN;
        }
        double label = Math.min(budget, Math.floor(seconds / every) * every);
        next = Math.min(budget, label + every);
        return label;
    }
}
