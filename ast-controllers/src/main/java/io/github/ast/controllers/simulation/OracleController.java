package io.github.ast.controllers.simulation;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A baseline, not a controller one can deploy: on every batch it uses the threshold that gives the target on
 * average, read from the stream's {@link ActivationCurve}, that is from the future.
 *
 * <p>Whatever it fails at is sampling noise, not control: the report prints it next to the real controllers so that
 * no metric is read as a controller's fault when no controller could do better.
 */
public final class OracleController implements Controller {

    private final ActivationCurve curve;
    private final SimulatedGate gate;
    private final double targetRate;
    private int batch;
    private double threshold;
    private int thresholdGridPoint;

    /**
     * Creates the oracle at the start of a run.
     *
     * @param curve the activation curve of the run's stream
     * @param gate the run's gate
     * @param targetRate the target, in (0, 1]
     */
    public OracleController(ActivationCurve curve, SimulatedGate gate, double targetRate) {
        if (!(targetRate > 0 && targetRate <= 1)) {
            throw new IllegalArgumentException("targetRate=" + targetRate + " is invalid; it must be in (0, 1]");
        }
        this.curve = curve;
        this.gate = gate;
        this.targetRate = targetRate;
        this.threshold = curve.thresholdFor(gate, 0, targetRate);
        this.thresholdGridPoint = curve.gridPoint(0);
    }

    /** Moves to the threshold of the current batch; the curve changes only between its grid points. */
    private void follow() {
        int point = curve.gridPoint(batch);
        if (point != thresholdGridPoint) {
            threshold = curve.thresholdFor(gate, batch, targetRate);
            thresholdGridPoint = point;
        }
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public double update(double observedRate) {
        batch++;
        follow();
        return threshold;
    }

    @Override
    public ControllerState state() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("threshold", threshold);
        values.put("batch", (double) batch);
        return new ControllerState("oracle", values);
    }

    @Override
    public void restore(ControllerState state) {
        if (!"oracle".equals(state.controller())) {
            throw new IllegalArgumentException(
                    "cannot restore an 'oracle' controller from a '" + state.controller() + "' state");
        }
        double restoredBatch = state.get("batch");
        if (!(restoredBatch >= 0 && restoredBatch == Math.rint(restoredBatch))) {
            throw new IllegalArgumentException("restored batch=" + restoredBatch + " is not a batch index");
        }
        batch = (int) restoredBatch;
        thresholdGridPoint = curve.gridPoint(batch);
        threshold = curve.thresholdFor(gate, batch, targetRate);
    }
}
