package io.github.ast.selection.policies;

import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, batch by batch, whether sampling by importance pays for its scoring pass: it does while an EMA of the
 * variance reduction τ exceeds the price of scoring, {@code 1 + costRatio} when that is fixed, else the median time
 * of a scored batch over that of an unscored one. To measure both times, the first {@value #PROBES} decisions of a
 * run are on and the next {@value #PROBES} off; the first batch of each kind is warm-up and not timed.
 *
 * <p>Kept apart from the drawing because it is the policy's only state that outlives a batch, and the only part that
 * depends on the clock: it is what a checkpoint saves ({@link #state}) and why only a fixed price repeats bit for bit.
 */
final class PayoffSwitch {

    /** Logged under the policy's name, where users look for its decisions. */
    private static final Logger LOG = LoggerFactory.getLogger(ImportancePolicy.class);

    /** Batches scored, then batches not scored, at a run's start when the cost is measured. */
    static final int PROBES = 4;
    /** Batch times the medians are taken over. */
    static final int TIMES = 16;
    /** Values before the two lists of times in {@link #state}. */
    private static final int HEADER = 6;

    private final boolean switching;
    private final double costRatio;
    private final double momentum;
    private final RecentMedian scoredTimes = new RecentMedian(TIMES);
    private final RecentMedian unscoredTimes = new RecentMedian(TIMES);
    /** EMA of the variance reduction τ, NaN before the first measurement. */
    private double tau = Double.NaN;
    /** Sparse batches decided so far in the run, for the probes. */
    private long decisions;
    /** Whether the last batch trained uniform rows without scores (its trained losses then update τ). */
    private boolean unscored;
    /** Whether a batch of each kind was timed yet: the first of each kind is warm-up, not counted. */
    private boolean timedScored;
    private boolean timedUnscored;

    /**
     * Creates the switch.
     *
     * @param switching whether it may turn importance sampling off (false: always on)
     * @param costRatio a fixed price of scoring minus 1, >= 0; NaN to measure it
     * @param momentum of τ's EMA, in [0, 1)
     */
    PayoffSwitch(boolean switching, double costRatio, double momentum) {
        this.switching = switching;
        this.costRatio = costRatio;
        this.momentum = momentum;
    }

    /** Decides whether the next batch samples by importance, and counts the decision. */
    boolean decide() {
        boolean on = importanceOn();
        decisions++;
        return on;
    }

    /** Records whether the batch just decided trains uniform rows without scores. */
    void settle(boolean trainsUnscored) {
        unscored = trainsUnscored;
    }

    /** Whether the last batch trained uniform rows without scores, so that its trained losses are free τ. */
    boolean unscored() {
        return unscored;
    }

    /** Adds a measurement of τ to its EMA. */
    void observe(double value) {
        tau = Double.isNaN(tau) ? value : momentum * tau + (1 - momentum) * value;
    }

    /** Returns the EMA of τ, NaN before the first measurement. */
    double tau() {
        return tau;
    }

    /** Counts a batch's time, unless it is the first of its kind. */
    void batchTime(boolean scored, long nanos) {
        if (scored) {
            if (timedScored) {
                scoredTimes.add(nanos);
            }
            timedScored = true;
        } else {
            if (timedUnscored) {
                unscoredTimes.add(nanos);
            }
            timedUnscored = true;
        }
    }

    /**
     * Returns the τ above which importance sampling is on: {@code 1 + costRatio}, or the measured median time of a
     * scored batch over that of an unscored one (NaN until both were timed); NaN without the switch.
     */
    double threshold() {
        if (!switching) {
            return Double.NaN;
        }
        if (!Double.isNaN(costRatio)) {
            return 1 + costRatio;
        }
        return scoredTimes.count() == 0 || unscoredTimes.count() == 0 ? Double.NaN
                : scoredTimes.median() / unscoredTimes.median();
    }

    private boolean importanceOn() {
        if (!switching) {
            return true;
        }
        if (Double.isNaN(costRatio) && decisions < 2L * PROBES) {
            return decisions < PROBES;
        }
        double threshold = threshold();
        boolean on = !Double.isNaN(tau) && !Double.isNaN(threshold) && tau > threshold;
        if (on == unscored && LOG.isDebugEnabled()) {
            LOG.debug(String.format(Locale.ROOT, "importance sampling %s: tau %.3f, threshold %.3f",
                    on ? "on" : "off", tau, threshold));
        }
        return on;
    }

    /** Returns τ, the decisions, the flags, the two lists' lengths, their capacity, then both lists. */
    double[] state() {
        double[] scoredSaved = scoredTimes.toArray();
        double[] unscoredSaved = unscoredTimes.toArray();
        double[] state = new double[HEADER + scoredSaved.length + unscoredSaved.length];
        state[0] = tau;
        state[1] = decisions;
        state[2] = (unscored ? 1 : 0) + (timedScored ? 2 : 0) + (timedUnscored ? 4 : 0);
        state[3] = scoredSaved.length;
        state[4] = unscoredSaved.length;
        state[5] = TIMES;
        System.arraycopy(scoredSaved, 0, state, HEADER, scoredSaved.length);
        System.arraycopy(unscoredSaved, 0, state, HEADER + scoredSaved.length, unscoredSaved.length);
        return state;
    }

    /** Whether values are a {@link #state}: a header whose lengths add up. */
    static boolean isState(double[] state) {
        return state.length >= HEADER && state.length == HEADER + (int) state[3] + (int) state[4];
    }

    /** Restores a {@link #state}; {@link #isState} must hold. */
    void restore(double[] state) {
        tau = state[0];
        decisions = (long) state[1];
        int flags = (int) state[2];
        unscored = (flags & 1) != 0;
        timedScored = (flags & 2) != 0;
        timedUnscored = (flags & 4) != 0;
        int scoredCount = (int) state[3];
        scoredTimes.restore(Arrays.copyOfRange(state, HEADER, HEADER + scoredCount));
        unscoredTimes.restore(Arrays.copyOfRange(state, HEADER + scoredCount, state.length));
    }
}
