package io.github.ast.controllers.simulation;

import io.github.ast.api.ControllerState;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToDoubleFunction;

/**
 * What a run says about a controller, in percentage points of activation where a rate is involved.
 *
 * <p>Settling and overshoot are judged on two signals. As the issue defines them, on the observed rate smoothed by an
 * EMA with weight {@link #EMA_ALPHA} on the newest batch (started at the first observation, whatever smoothing the
 * controller uses): that signal carries each batch's sampling noise, which no controller can remove. And on the
 * <em>expected</em> rate at the threshold the gate used ({@link ActivationCurve}): noise-free, it says whether the
 * controller put the threshold in the right place.
 *
 * @param settlingBatches batches before the smoothed rate enters the band target ± {@link #BAND_POINTS} and stays
 *     there to the end of the run; empty if it is outside the band on the last batch
 * @param expectedSettlingBatches the same for the expected rate
 * @param firstInBandBatches batches before the expected rate first enters the band; empty if it never does
 * @param overshootPoints largest excursion of the smoothed rate past the target on the far side, after it first
 *     crossed the target; 0 if it never crossed
 * @param expectedOvershootPoints the same for the expected rate
 * @param steadyStateErrorPoints mean activation over the second half of the run minus the target
 * @param steadyStateStdPoints standard deviation of the per-batch activation over the second half
 * @param thresholdJitterPoints standard deviation of the expected rate over the second half: how much the threshold
 *     itself moves, in points of activation
 * @param minThreshold lowest threshold of the run
 * @param maxThreshold highest threshold of the run
 * @param saturatedFraction fraction of batches on which the controller reported its threshold on a bound
 *     ({@code saturated} state), 0 for controllers without bounds
 * @param secondHalfSaturatedFraction the same over the second half: non-zero means sustained saturation
 * @param maxAbsIntegral largest magnitude of the controller's {@code integral} state; NaN if it has none
 */
public record RunMetrics(OptionalInt settlingBatches, OptionalInt expectedSettlingBatches,
        OptionalInt firstInBandBatches, double overshootPoints, double expectedOvershootPoints,
        double steadyStateErrorPoints, double steadyStateStdPoints, double thresholdJitterPoints, double minThreshold,
        double maxThreshold, double saturatedFraction, double secondHalfSaturatedFraction, double maxAbsIntegral) {

    /** Weight of the newest batch in the smoothed rate the metrics judge. */
    public static final double EMA_ALPHA = 0.3;

    /** Half-width of the settling band, in percentage points. */
    public static final double BAND_POINTS = 2;

    /**
     * Computes the metrics of a whole run, reading the expected rates off the stream's activation curve.
     *
     * @param steps the run, from its first batch, at least two steps
     * @param targetRate the controller's target, in (0, 1]
     * @param curve the activation curve of the run's stream
     * @param gate the run's gate
     * @return the metrics
     */
    public static RunMetrics of(List<Simulation.Step> steps, double targetRate, ActivationCurve curve,
            SimulatedGate gate) {
        return of(steps, targetRate,
                steps.stream().mapToDouble(s -> curve.expectedRate(gate, s.batch(), s.gateThreshold())).toArray());
    }

    /**
     * Computes the metrics of a whole run.
     *
     * @param steps the run, from its first batch, at least two steps
     * @param targetRate the controller's target, in (0, 1]
     * @param expectedRates per step, the rate the gate activates on average at the threshold it used
     * @return the metrics
     */
    public static RunMetrics of(List<Simulation.Step> steps, double targetRate, double[] expectedRates) {
        if (steps.size() < 2 || steps.get(0).batch() != 0) {
            throw new IllegalArgumentException("a run of " + steps.size() + " steps starting at batch "
                    + (steps.isEmpty() ? "-" : steps.get(0).batch()) + " is invalid; it must have >= 2 steps from 0");
        }
        if (expectedRates.length != steps.size()) {
            throw new IllegalArgumentException("expectedRates.length=" + expectedRates.length
                    + " is invalid; it must equal the number of steps, " + steps.size());
        }
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new IllegalArgumentException("targetRate=" + targetRate + " is invalid; it must be in (0, 1]");
        }
        int n = steps.size();
        double[] smoothedError = new double[n];
        double[] expectedError = new double[n];
        double ema = steps.get(0).observedRate();
        for (int i = 0; i < n; i++) {
            ema = i == 0 ? ema : EMA_ALPHA * steps.get(i).observedRate() + (1 - EMA_ALPHA) * ema;
            smoothedError[i] = 100 * (ema - targetRate);
            expectedError[i] = 100 * (expectedRates[i] - targetRate);
        }
        List<Simulation.Step> secondHalf = steps.subList(n / 2, n);
        return new RunMetrics(settling(smoothedError), settling(expectedError), firstInBand(expectedError),
                overshoot(smoothedError), overshoot(expectedError),
                100 * (mean(secondHalf, Simulation.Step::observedRate) - targetRate),
                100 * std(secondHalf.stream().mapToDouble(Simulation.Step::observedRate).toArray()),
                std(Arrays.copyOfRange(expectedError, n / 2, n)),
                steps.stream().mapToDouble(Simulation.Step::threshold).min().orElseThrow(),
                steps.stream().mapToDouble(Simulation.Step::threshold).max().orElseThrow(),
                mean(steps, s -> stateOrZero(s.state(), "saturated") != 0 ? 1 : 0),
                mean(secondHalf, s -> stateOrZero(s.state(), "saturated") != 0 ? 1 : 0),
                steps.get(0).state().values().containsKey("integral")
                        ? steps.stream().mapToDouble(s -> Math.abs(s.state().get("integral"))).max().orElseThrow()
                        : Double.NaN);
    }

    private static double stateOrZero(ControllerState state, String name) {
        return state.values().getOrDefault(name, 0.0);
    }

    private static OptionalInt settling(double[] errorPoints) {
        int n = errorPoints.length;
        if (Math.abs(errorPoints[n - 1]) > BAND_POINTS) {
            return OptionalInt.empty();
        }
        int first = n - 1;
        while (first > 0 && Math.abs(errorPoints[first - 1]) <= BAND_POINTS) {
            first--;
        }
        return OptionalInt.of(first);
    }

    private static OptionalInt firstInBand(double[] errorPoints) {
        for (int i = 0; i < errorPoints.length; i++) {
            if (Math.abs(errorPoints[i]) <= BAND_POINTS) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    private static double overshoot(double[] errorPoints) {
        double side = Math.signum(errorPoints[0]);
        if (side == 0) {
            return 0;
        }
        int crossing = 1;
        while (crossing < errorPoints.length && Math.signum(errorPoints[crossing]) != -side) {
            crossing++;
        }
        double overshoot = 0;
        for (int i = crossing; i < errorPoints.length; i++) {
            overshoot = Math.max(overshoot, -side * errorPoints[i]);
        }
        return overshoot;
    }

    private static double mean(List<Simulation.Step> steps, ToDoubleFunction<Simulation.Step> value) {
        return steps.stream().mapToDouble(value).average().orElseThrow();
    }

    private static double std(double[] values) {
        double mean = Arrays.stream(values).average().orElseThrow();
        return Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
    }
}
