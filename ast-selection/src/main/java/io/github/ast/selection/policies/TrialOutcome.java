package io.github.ast.selection.policies;

import java.util.List;
import java.util.Locale;

/**
 * A trial's outcome, as {@link ProgressTrials} decided it.
 *
 * @param batch the run's batch (0-based, sparse batches) at which it ended
 * @param incumbent the arm that trained outside the trial
 * @param challenger the arm tried against it
 * @param incumbentRate the incumbent's held-out loss fall per second, its windows around the challenger's averaged
 * @param challengerRate the challenger's
 * @param winner the arm that trains from now on
 * @param parkedWindows windows the losing candidate is parked for, 0 when no candidate lost
 */
record TrialOutcome(long batch, int incumbent, int challenger, double incumbentRate, double challengerRate, int winner,
        long parkedWindows) {

    /** Numbers an outcome takes in a checkpoint. */
    static final int VALUES = 7;

    double[] values() {
        return new double[] {batch, incumbent, challenger, incumbentRate, challengerRate, winner, parkedWindows};
    }

    static TrialOutcome read(double[] state, int at) {
        return new TrialOutcome((long) state[at], (int) state[at + 1], (int) state[at + 2], state[at + 3],
                state[at + 4], (int) state[at + 5], (long) state[at + 6]);
    }

    /** {@return the outcome as a log line}, the arms named by their labels */
    String describe(List<String> labels) {
        String parked = parkedWindows > 0 ? String.format(Locale.ROOT, ", %s parked for %d windows",
                labels.get(winner == incumbent ? challenger : incumbent), parkedWindows) : "";
        String verdict = (winner == incumbent ? labels.get(winner) + " stays" : "switched to "
                + labels.get(winner)) + parked;
        String ratio = incumbentRate > 0 ? String.format(Locale.ROOT, "%.2fx", challengerRate / incumbentRate)
                : "the incumbent made no progress";
        return String.format(Locale.ROOT, "batch %d: held-out loss fell %.4g/s under %s, %.4g/s under %s (%s): %s",
                batch, challengerRate, labels.get(challenger), incumbentRate, labels.get(incumbent), ratio,
                verdict);
    }
}
