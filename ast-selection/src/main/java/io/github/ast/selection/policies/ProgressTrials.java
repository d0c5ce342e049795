package io.github.ast.selection.policies;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Decides which way of training a batch (an arm: 0 is every row, the floor; then the candidates, cheapest first)
 * trains, from held-out progress: the held-out loss's fall per training second, measured in windows of a fixed
 * number of batches.
 *
 * <p>A trial runs five windows, incumbent and challenger alternating (I C I C I), and compares each challenger
 * window with the incumbent windows on both sides of it, so that the loss curve's own flattening, which favours
 * whichever arm runs first, cannot decide. Held-out progress over a window is noisy, so the rule is strict and leans
 * to the floor: a candidate replaces every row only if every row's held-out loss measurably falls and both candidate
 * windows beat both neighbouring windows of every row by the margin; a candidate in charge is checked against every
 * row at the next trial and stays only if it wins both pairs that clearly again. Trials are spaced by a fixed number of windows, since their candidate windows cost time
 * whatever the outcome; a candidate that loses is parked for a number of windows that doubles each time it loses, then
 * tried again, since what pays changes over a run. Outside trials nothing is measured.
 */
final class ProgressTrials {

    /** Windows per trial: incumbent, challenger, incumbent, challenger, incumbent. */
    static final int TRIAL_WINDOWS = 5;

    /**
     * The trials' settings.
     *
     * @param windowBatches batches per window, >= 1
     * @param margin the fraction by which a candidate must beat the floor's progress to replace it, >= 0
     * @param holdWindows windows between the end of a trial and the start of the next, >= 0
     * @param parkWindows windows a losing candidate waits before its first retry (doubling on each loss), >= 1
     */
    record Settings(int windowBatches, double margin, int holdWindows, int parkWindows) {}

    private final int arms;
    private final Settings settings;
    private int incumbent;
    /** The arm tried against the incumbent, or -1 outside a trial. */
    private int challenger = -1;
    /** The trial's current window, -1 until its opening measurement. */
    private int window = -1;
    private int batchesInWindow;
    private double windowStartLoss = Double.NaN;
    private long windowNanos;
    private final double[] rates = new double[TRIAL_WINDOWS];
    private long windows;
    private long nextTrial;
    private final long[] parkedUntil;
    private final int[] losses;
    /** Trials each arm was the challenger of. */
    private final int[] trialsOf;
    private long batches;
    private final List<TrialOutcome> outcomes = new ArrayList<>();

    ProgressTrials(int arms, Settings settings) {
        this.arms = arms;
        this.settings = settings;
        this.parkedUntil = new long[arms];
        this.losses = new int[arms];
        this.trialsOf = new int[arms];
    }

    /**
     * Called before each batch: counts it and says whether the held-out loss must be measured first.
     *
     * @param eligible which candidates may be tried now (their scores exist, the run is not in its final phase)
     * @return true to measure before this batch
     */
    boolean beforeBatch(IntPredicate eligible) {
        batches++;
        boolean measure = false;
        if (challenger >= 0 && batchesInWindow == settings.windowBatches()) {
            measure = true;
        } else if (challenger < 0 && batchesInWindow == settings.windowBatches()) {
            windows++;
            batchesInWindow = 0;
            measure = startTrial(eligible);
        }
        batchesInWindow++;
        return measure;
    }

    private boolean startTrial(IntPredicate eligible) {
        if (windows < nextTrial) {
            return false;
        }
        int next = -1;
        if (incumbent != 0) {
            next = 0; // a candidate in charge is checked against the floor
        } else {
            // the candidate tried least often, the cheapest of those
            for (int arm = 1; arm < arms; arm++) {
                if (parkedUntil[arm] <= windows && eligible.test(arm) && (next < 0 || trialsOf[arm] < trialsOf[next])) {
                    next = arm;
                }
            }
        }
        if (next < 0) {
            return false;
        }
        challenger = next;
        trialsOf[next]++;
        window = -1;
        return true;
    }

    /**
     * Takes the measurement asked for: it opens the trial, or closes a window and opens the next.
     *
     * @param loss the held-out mean loss now
     */
    void measured(double loss) {
        if (challenger < 0) {
            throw new IllegalStateException("a held-out loss was measured outside a trial");
        }
        if (window >= 0) {
            rates[window] = (windowStartLoss - loss) / Math.max(1e-9, windowNanos / 1e9);
        }
        window++;
        windowStartLoss = loss;
        windowNanos = 0;
        batchesInWindow = 1; // the batch measured before opens the new window
        if (window == TRIAL_WINDOWS) {
            conclude();
        }
    }

    /** Adds a batch's training time to the trial's current window. */
    void trained(long nanos) {
        if (challenger >= 0 && window >= 0) {
            windowNanos += nanos;
        }
    }

    /** Ends a trial without a decision: the run entered its final phase. */
    void abandon() {
        challenger = -1;
        window = -1;
        incumbent = 0;
    }

    private void conclude() {
        double incumbentRate = (rates[0] + 2 * rates[2] + rates[4]) / 4;
        double challengerRate = (rates[1] + rates[3]) / 2;
        double factor = 1 + settings.margin();
        boolean challengerWins;
        if (challenger == 0) {
            // the candidate in charge stays only if it beats every row clearly again, in both pairs
            challengerWins = !(rates[1] * factor < Math.min(rates[0], rates[2]) && rates[3] * factor < Math.min(
                    rates[2], rates[4]) && Math.min(rates[0], Math.min(rates[2], rates[4])) > 0);
        } else {
            // a candidate must beat both neighbouring windows of every row, by the margin, in both pairs, while every
            // row measurably makes progress: on a plateau the windows' noise, not the arms, would decide
            challengerWins = incumbentRate > 0 && rates[1] > factor * Math.max(rates[0], rates[2])
                    && rates[3] > factor * Math.max(rates[2], rates[4]);
        }
        int loser = challengerWins ? incumbent : challenger;
        int winner = challengerWins ? challenger : incumbent;
        long parked = 0;
        if (loser != 0) {
            parked = (long) settings.parkWindows() << Math.min(20, losses[loser]);
            losses[loser]++;
            parkedUntil[loser] = windows + parked;
        }
        outcomes.add(new TrialOutcome(batches, incumbent, challenger, incumbentRate, challengerRate, winner, parked));
        incumbent = winner;
        nextTrial = windows + settings.holdWindows(); // trials cost time: spaced, whatever the outcome
        challenger = -1;
        window = -1;
    }

    /** {@return the arm that trains the current batch} */
    int arm() {
        return challenger >= 0 && window >= 0 && window % 2 == 1 ? challenger : incumbent;
    }

    /** {@return whether the trial under way tries a challenger that passes the test} */
    boolean challengerIsAny(IntPredicate test) {
        return challenger > 0 && test.test(challenger);
    }

    /**
     * {@return the batches until the next trial may start}, 0 when it may start at the next window boundary; parked
     * candidates are not looked at
     */
    long batchesToNextTrial() {
        return Math.max(0, nextTrial - windows - 1) * settings.windowBatches() + settings.windowBatches()
                - batchesInWindow;
    }

    /** {@return the batches seen so far} */
    long batches() {
        return batches;
    }

    /** {@return whether a trial is under way} */
    boolean inTrial() {
        return challenger >= 0;
    }

    /** {@return every trial's outcome, in order} */
    List<TrialOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** {@return the state a checkpoint carries, outcomes included} */
    double[] export() {
        double[] state = new double[11 + TRIAL_WINDOWS + 3 * arms + TrialOutcome.VALUES * outcomes.size()];
        int i = 0;
        state[i++] = incumbent;
        state[i++] = challenger;
        state[i++] = window;
        state[i++] = batchesInWindow;
        state[i++] = windowStartLoss;
        state[i++] = windowNanos;
        state[i++] = windows;
        state[i++] = nextTrial;
        state[i++] = batches;
        state[i++] = arms;
        state[i++] = outcomes.size();
        for (double rate : rates) {
            state[i++] = rate;
        }
        for (int arm = 0; arm < arms; arm++) {
            state[i++] = parkedUntil[arm];
            state[i++] = losses[arm];
            state[i++] = trialsOf[arm];
        }
        for (TrialOutcome o : outcomes) {
            System.arraycopy(o.values(), 0, state, i, TrialOutcome.VALUES);
            i += TrialOutcome.VALUES;
        }
        return state;
    }

    /**
     * Restores what {@link #export} returned.
     *
     * @throws IllegalArgumentException if the state is of trials over another number of arms
     */
    void restore(double[] state) {
        if (state.length < 11 || (int) state[9] != arms
                || state.length != 11 + TRIAL_WINDOWS + 3 * arms + TrialOutcome.VALUES * (int) state[10]) {
            throw new IllegalArgumentException("a saved auto state of " + state.length + " values is not one of "
                    + "trials over " + arms + " arms (was the candidate list changed?)");
        }
        int i = 0;
        incumbent = (int) state[i++];
        challenger = (int) state[i++];
        window = (int) state[i++];
        batchesInWindow = (int) state[i++];
        windowStartLoss = state[i++];
        windowNanos = (long) state[i++];
        windows = (long) state[i++];
        nextTrial = (long) state[i++];
        batches = (long) state[i++];
        i++;
        int count = (int) state[i++];
        for (int w = 0; w < TRIAL_WINDOWS; w++) {
            rates[w] = state[i++];
        }
        for (int arm = 0; arm < arms; arm++) {
            parkedUntil[arm] = (long) state[i++];
            losses[arm] = (int) state[i++];
            trialsOf[arm] = (int) state[i++];
        }
        outcomes.clear();
        for (int o = 0; o < count; o++, i += TrialOutcome.VALUES) {
            outcomes.add(TrialOutcome.read(state, i));
        }
    }
}
