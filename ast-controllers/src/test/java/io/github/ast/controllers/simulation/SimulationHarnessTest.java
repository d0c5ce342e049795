package io.github.ast.controllers.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ast.api.ControllerState;
import io.github.ast.controllers.PiController;
import io.github.ast.controllers.PiOptions;
import io.github.ast.controllers.PiSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulationHarnessTest {

    private static final SimulatedGate THRESHOLD = new SimulatedGate.Threshold();

    /** A controller whose threshold never moves: zero gains. */
    private static PiController fixedAt(double threshold) {
        return new PiController(new PiSettings(0.1, threshold,
                new PiOptions(0, 0, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH)));
    }

    @Test
    void everyStreamGivesScoresInTheUnitIntervalInItsBatchSize() {
        for (SignificanceStream stream : SignificanceStream.standard()) {
            for (double progress : new double[] {0, 0.5, 0.99}) {
                double[] batch = stream.nextBatch(new Random(1), progress);
                assertThat(batch).as(stream.name()).hasSize(stream.batchSize());
                assertThat(Arrays.stream(batch).allMatch(s -> s >= 0 && s <= 1)).as(stream.name()).isTrue();
            }
        }
        assertThat(SignificanceStream.tinyBatches().batchSize()).isEqualTo(8);
    }

    @Test
    void scoresFollowTheReferenceScorersFormula() {
        double[] losses = {1, 3, 0, 12};
        int[] next = {0};
        SignificanceStream handMade = new SignificanceStream("hand-made", 4, (random, progress) -> losses[next[0]++]);
        double[] scores = handMade.nextBatch(new Random(5), 0);
        Random replay = new Random(5); // the stream draws one Gaussian per sample for its intensity
        double[] intensity = new double[4];
        for (int i = 0; i < 4; i++) {
            intensity[i] = Math.max(0.05, 1 + 0.3 * replay.nextGaussian());
        }
        double lossMean = 4;
        double intensityMean = Arrays.stream(intensity).average().orElseThrow();
        for (int i = 0; i < 4; i++) {
            double expected = 0.7 * Math.min(2, losses[i] / lossMean) / 2
                    + 0.3 * Math.min(2, intensity[i] / intensityMean) / 2;
            assertThat(scores[i]).as("sample %d", i).isCloseTo(expected, within(1e-8));
        }
    }

    @Test
    void shrinkingEveryLossByTheSameFactorChangesNoScore() {
        SignificanceStream stationary = SignificanceStream.stationary();
        SignificanceStream shrunk = new SignificanceStream("shrunk", 128,
                (random, progress) -> 1e-3 * stationary.losses().draw(random, progress));
        double[] original = stationary.nextBatch(new Random(2), 0);
        double[] scaled = shrunk.nextBatch(new Random(2), 0);
        for (int i = 0; i < original.length; i++) {
            // equal but for the reference normalisation's 1e-8 epsilon, now next to losses 1000 times smaller
            assertThat(scaled[i]).isCloseTo(original[i], within(1e-4));
        }
    }

    @Test
    void theDriftingAndShiftingStreamsMoveTheThresholdTheTargetNeeds() {
        Simulation drifting = new Simulation(SignificanceStream.drifting(), THRESHOLD, 3000, 42);
        ActivationCurve driftingCurve = ActivationCurve.of(drifting);
        assertThat(driftingCurve.thresholdFor(THRESHOLD, 2999, 0.10) - driftingCurve.thresholdFor(THRESHOLD, 0, 0.10))
                .isGreaterThan(0.1);
        Simulation shift = new Simulation(SignificanceStream.suddenShift(), THRESHOLD, 3000, 42);
        ActivationCurve shiftCurve = ActivationCurve.of(shift);
        double before = shiftCurve.thresholdFor(THRESHOLD, 999, 0.10);
        assertThat(shiftCurve.thresholdFor(THRESHOLD, 0, 0.10)).isCloseTo(before, within(0.01));
        assertThat(shiftCurve.thresholdFor(THRESHOLD, 1000, 0.10) - before).isGreaterThan(0.1);
    }

    @Test
    void theScoresDoNotDependOnTheController() {
        Simulation simulation = new Simulation(SignificanceStream.heavyTailed(), THRESHOLD, 300, 4);
        List<Simulation.Step> lower = simulation.run(fixedAt(0.6));
        List<Simulation.Step> higher = simulation.run(fixedAt(0.7));
        for (int b = 0; b < 300; b++) {
            // on the same scores a higher threshold activates no more samples
            assertThat(higher.get(b).observedRate()).isLessThanOrEqualTo(lower.get(b).observedRate());
        }
        assertThat(higher).isNotEqualTo(lower);
        assertThat(simulation.run(fixedAt(0.6))).isEqualTo(lower);
    }

    @Test
    void gatesCountAndExpectAsTheEngineGatesDo() {
        double[] scores = {0.1, 0.5, 0.5, 0.9};
        assertThat(THRESHOLD.countActive(scores, 0.5, new Random(1))).isEqualTo(3);
        SimulatedGate soft = new SimulatedGate.Probabilistic(0.05);
        int active = 0;
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            active += soft.countActive(scores, 0.5, random);
        }
        double expected = soft.expectedRate(new ScoreHistogram(scores), 0.5);
        assertThat(expected).isCloseTo((1 / (1 + Math.exp(8)) + 0.5 + 0.5 + 1 / (1 + Math.exp(-8))) / 4, within(0.01));
        assertThat(active / 80_000.0).isCloseTo(expected, within(0.005));
        assertThatThrownBy(() -> new SimulatedGate.Probabilistic(0))
                .hasMessage("temperature=0.0 is invalid; it must be finite and > 0");
    }

    @Test
    void theHistogramCountsTheFractionAtOrAboveAThreshold() {
        double[] centres = new double[ScoreHistogram.BINS];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (i + 0.5) / ScoreHistogram.BINS;
        }
        ScoreHistogram histogram = new ScoreHistogram(centres);
        assertThat(histogram.fractionAtLeast(0.25)).isCloseTo(0.75, within(1e-12));
        assertThat(histogram.fractionAtLeast(-1)).isEqualTo(1);
        assertThat(histogram.fractionAtLeast(1)).isEqualTo(0);
        assertThat(histogram.expectation(s -> s)).isCloseTo(0.5, within(1e-12));
        assertThatThrownBy(() -> new ScoreHistogram(new double[] {0.5, 1.2}))
                .hasMessage("score=1.2 is invalid; scores must be in [0, 1]");
    }

    @Test
    void theActivationCurvePredictsTheMeanActivationAtAFixedThreshold() {
        for (SimulatedGate gate : SimulationReport.GATES) {
            Simulation simulation = new Simulation(SignificanceStream.stationary(), gate, 2000, 8);
            double observed = simulation.run(fixedAt(0.8)).stream().mapToDouble(Simulation.Step::observedRate)
                    .average().orElseThrow();
            // 2000 x 128 draws: the observed mean itself is known to about 0.1 point
            assertThat(ActivationCurve.of(simulation).expectedRate(gate, 1000, 0.8)).as(gate.name())
                    .isCloseTo(observed, within(0.004));
        }
    }

    /** Steps with the given observed rates, on target 0.1, with a PI-like state. */
    private static List<Simulation.Step> steps(double[] rates, boolean[] saturated, double[] integral) {
        List<Simulation.Step> steps = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            steps.add(new Simulation.Step(i, 0.5, rates[i], 0.5 + i * 0.01, new ControllerState("pi",
                    Map.of("integral", integral[i], "saturated", saturated[i] ? 1.0 : 0.0))));
        }
        return steps;
    }

    @Test
    void settlingOvershootAndFirstEntryFollowTheirDefinitions() {
        double[] expected = {0.5, 0.2, 0.11, 0.07, 0.09, 0.1, 0.1, 0.1};
        double[] rates = {0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
        RunMetrics m = RunMetrics.of(steps(rates, new boolean[8], new double[8]), 0.1, expected);
        // expected error in points: 40, 10, 1, -3, -1, 0, 0, 0
        assertThat(m.firstInBandBatches()).hasValue(2);
        assertThat(m.expectedSettlingBatches()).hasValue(4);
        assertThat(m.expectedOvershootPoints()).isCloseTo(3, within(1e-9));
        // the EMA error is 40 x 0.7^k points: first within 2 points at k = 9, never crosses
        assertThat(m.settlingBatches()).isEmpty(); // only 8 batches
        double[] longer = new double[20];
        Arrays.fill(longer, 0.1);
        longer[0] = 0.5;
        double[] flat = new double[20];
        Arrays.fill(flat, 0.1);
        RunMetrics n = RunMetrics.of(steps(longer, new boolean[20], new double[20]), 0.1, flat);
        assertThat(n.settlingBatches()).hasValue(9);
        assertThat(n.overshootPoints()).isZero();
        assertThat(n.steadyStateErrorPoints()).isCloseTo(0, within(1e-9));
        assertThat(n.minThreshold()).isEqualTo(0.5);
        assertThat(n.maxThreshold()).isCloseTo(0.69, within(1e-12));
    }

    @Test
    void saturationSteadyStateAndIntegralAreReadFromTheRun() {
        double[] rates = {0.3, 0.1, 0.2, 0.0};
        boolean[] saturated = {true, true, false, true};
        RunMetrics m = RunMetrics.of(steps(rates, saturated, new double[] {5, -45, 20, 1}), 0.1, rates);
        assertThat(m.saturatedFraction()).isEqualTo(0.75);
        assertThat(m.secondHalfSaturatedFraction()).isEqualTo(0.5);
        assertThat(m.maxAbsIntegral()).isEqualTo(45);
        assertThat(m.steadyStateErrorPoints()).isCloseTo(0, within(1e-9)); // (0.2 + 0.0) / 2 - 0.1
        assertThat(m.steadyStateStdPoints()).isCloseTo(10, within(1e-9));
        List<Simulation.Step> noIntegral = List.of(
                new Simulation.Step(0, 0.5, 0.1, 0.5, new ControllerState("oracle", Map.of("threshold", 0.5))),
                new Simulation.Step(1, 0.5, 0.1, 0.5, new ControllerState("oracle", Map.of("threshold", 0.5))));
        assertThat(RunMetrics.of(noIntegral, 0.1, new double[] {0.1, 0.1}).maxAbsIntegral()).isNaN();
    }

    @Test
    void invalidArgumentsNameTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> new SignificanceStream("x", 0, (r, p) -> 1))
                .hasMessage("batchSize=0 is invalid; it must be >= 1");
        assertThatThrownBy(() -> new Simulation(SignificanceStream.stationary(), THRESHOLD, 1, 1))
                .hasMessage("batches=1 is invalid; it must be >= 2");
        Simulation simulation = new Simulation(SignificanceStream.stationary(), THRESHOLD, 10, 1);
        assertThatThrownBy(() -> simulation.run(fixedAt(0.5), 5, 11))
                .hasMessage("batch range [5, 11) is invalid; it must satisfy 0 <= fromBatch <= toBatch <= batches = 10");
        List<Simulation.Step> run = simulation.run(fixedAt(0.5));
        assertThatThrownBy(() -> RunMetrics.of(run, 0.1, new double[3]))
                .hasMessage("expectedRates.length=3 is invalid; it must equal the number of steps, 10");
        assertThatThrownBy(() -> RunMetrics.of(run.subList(1, 10), 0.1, new double[9]))
                .hasMessage("a run of 9 steps starting at batch 1 is invalid; it must have >= 2 steps from 0");
    }
}
