package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link ProgressTrials} on synthetic held-out curves: each arm moves the model along a loss curve at its own speed
 * (progress per training second), batches of 10 ms, windows of 10 batches.
 */
class ProgressTrialsTest {

    private static final long BATCH_NANOS = 10_000_000L;
    private static final ProgressTrials.Settings SETTINGS = new ProgressTrials.Settings(10, 0.05, 4, 6);

    /** Speeds by arm, possibly changing with the progress made. */
    private interface Speeds {
        double of(int arm, double progress);
    }

    /** Drives trials as the trainer does; records each measurement's loss and the clock when it was taken. */
    private static final class Simulation {
        final ProgressTrials trials;
        final DoubleUnaryOperator curve;
        final Speeds speeds;
        double progress;
        double seconds;
        final List<double[]> measurements = new ArrayList<>();
        final List<Integer> arms = new ArrayList<>();

        Simulation(int arms, DoubleUnaryOperator curve, Speeds speeds) {
            this.trials = new ProgressTrials(arms, SETTINGS);
            this.curve = curve;
            this.speeds = speeds;
        }

        void run(int batches) {
            for (int b = 0; b < batches; b++) {
                if (trials.beforeBatch(arm -> true)) {
                    measurements.add(new double[] {curve.applyAsDouble(progress), seconds});
                    trials.measured(curve.applyAsDouble(progress));
                }
                int arm = trials.arm();
                arms.add(arm);
                progress += speeds.of(arm, progress) * BATCH_NANOS / 1e9;
                seconds += BATCH_NANOS / 1e9;
                trials.trained(BATCH_NANOS);
            }
        }
    }

    private static DoubleUnaryOperator gentle() {
        return p -> 0.3 + Math.exp(-p / 50);
    }

    @Test
    void aFasterCandidateReplacesEveryRowAndASlowerOneIsParked() {
        Simulation sim = new Simulation(3, gentle(), (arm, p) -> new double[] {1, 0.8, 1.3}[arm]);
        sim.run(400);
        List<TrialOutcome> outcomes = sim.trials.outcomes();
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(outcomes.get(0).challenger()).isEqualTo(1);
        assertThat(outcomes.get(0).winner()).as("0.8x loses").isZero();
        assertThat(outcomes.get(0).parkedWindows()).isEqualTo(SETTINGS.parkWindows());
        assertThat(outcomes.get(0).challengerRate() / outcomes.get(0).incumbentRate()).isCloseTo(0.8,
                org.assertj.core.data.Offset.offset(0.02));
        assertThat(outcomes.get(1).challenger()).as("the next candidate, while the first is parked").isEqualTo(2);
        assertThat(outcomes.get(1).winner()).as("1.3x wins").isEqualTo(2);
        List<Integer> late = sim.arms.subList(200, 400);
        assertThat(late.stream().filter(arm -> arm == 2).count()).as("in charge, but for its checks")
                .isGreaterThan(140);
    }

    /**
     * On a steeply flattening curve each window falls less than the one before, so comparing a candidate with the
     * window that follows it would take a slightly slower candidate (0.97x) for a faster one; the alternating
     * windows do not.
     */
    @Test
    void aFlatteningCurveDoesNotFoolThePairedComparison() {
        Simulation sim = new Simulation(2, p -> 0.3 + Math.exp(-p / 0.5), (arm, p) -> arm == 0 ? 1 : 0.97);
        sim.run(4 * 10 + 6 * 10);
        TrialOutcome first = sim.trials.outcomes().get(0);
        assertThat(first.challenger()).isEqualTo(1);
        assertThat(first.winner()).as("every row stays").isZero();
        // the windows' rates from the measurements: window 1 is the candidate's, window 2 every row's
        List<double[]> m = sim.measurements;
        double candidate = rate(m.get(1), m.get(2));
        double after = rate(m.get(2), m.get(3));
        assertThat(candidate).as("a candidate-then-baseline comparison would switch").isGreaterThan(1.05 * after);
    }

    private static double rate(double[] from, double[] to) {
        return (from[0] - to[0]) / (to[1] - from[1]);
    }

    /** A candidate that pays early and then stops is dropped at its next check, and parked for longer each loss. */
    @Test
    void aCandidateThatStopsPayingIsDropped() {
        Simulation sim = new Simulation(2, gentle(), (arm, p) -> arm == 0 ? 1 : p < 1.2 ? 1.4 : 0.6);
        sim.run(1000);
        List<TrialOutcome> outcomes = sim.trials.outcomes();
        assertThat(outcomes.get(0).winner()).as("pays at first").isEqualTo(1);
        assertThat(outcomes.get(1).challenger()).as("checked against every row after the hold").isZero();
        assertThat(outcomes.get(1).winner()).as("dropped once it stops paying").isZero();
        assertThat(outcomes.get(1).parkedWindows()).isEqualTo(SETTINGS.parkWindows());
        assertThat(outcomes.get(2).winner()).as("retried after parking, and loses").isZero();
        assertThat(outcomes.get(2).parkedWindows()).as("parked twice as long").isEqualTo(2L * SETTINGS.parkWindows());
    }

    /**
     * On a plateau, where the held-out loss only jitters, no candidate replaces every row, however its windows happen
     * to fall: the jitter, not the arms, would decide.
     */
    @Test
    void onAPlateauNoCandidateWins() {
        java.util.Random noise = new java.util.Random(3);
        double[] jitter = new double[4000];
        for (int i = 0; i < jitter.length; i++) {
            jitter[i] = 0.01 * noise.nextGaussian();
        }
        Simulation sim = new Simulation(3, p -> 0.3 + jitter[(int) (p * 100) % jitter.length],
                (arm, p) -> new double[] {1, 1, 1}[arm]);
        sim.run(3000);
        assertThat(sim.trials.outcomes()).hasSizeGreaterThan(3).allSatisfy(o -> assertThat(o.winner()).isZero());
    }

    /** Interrupted in the middle of a window, the trials go on from their exported state as if uninterrupted. */
    @Test
    void exportedStateContinuesMidWindowAsIfUninterrupted() {
        Speeds speeds = (arm, p) -> new double[] {1, 0.8, 1.3}[arm];
        Simulation whole = new Simulation(3, gentle(), speeds);
        whole.run(600);
        Simulation first = new Simulation(3, gentle(), speeds);
        int cut = 0;
        do {
            first.run(1);
            cut++;
        } while (cut < 400 || !first.trials.inTrial() || cut % 10 != 5);
        Simulation second = new Simulation(3, gentle(), speeds);
        second.trials.restore(first.trials.export());
        second.progress = first.progress;
        second.run(600 - cut);
        assertThat(second.trials.outcomes()).isEqualTo(whole.trials.outcomes());
        assertThat(second.arms).isEqualTo(whole.arms.subList(cut, 600));
    }
}
