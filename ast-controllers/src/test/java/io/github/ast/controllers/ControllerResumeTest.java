package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.Controller;
import io.github.ast.api.ControllerState;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.controllers.simulation.ActivationCurve;
import io.github.ast.controllers.simulation.OracleController;
import io.github.ast.controllers.simulation.SignificanceStream;
import io.github.ast.controllers.simulation.SimulatedGate;
import io.github.ast.controllers.simulation.Simulation;
import io.github.ast.controllers.simulation.SimulationReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A run resumed from {@link Controller#state()} must continue exactly as if it had never stopped. */
class ControllerResumeTest {

    /** Drifting scores through the random gate, so both the data and the gate's draws must line up on resume. */
    private static final Simulation SIMULATION = new Simulation(SignificanceStream.drifting(),
            new SimulatedGate.Probabilistic(0.05), 1200, 3);
    private static final int SPLIT = 500;

    static Stream<Arguments> controllers() {
        return Stream.of(new PiController.Factory(), new PidController.Factory(), new AdaptivePiController.Factory())
                .map(factory -> Arguments.of(factory.name(), factory));
    }

    private static Controller fresh(ControllerFactory factory) {
        return SimulationReport.withDefaults(factory, 0.10);
    }

    /** Runs to {@link #SPLIT}, restores the snapshot, possibly altered, into a fresh controller and runs on. */
    private static List<Simulation.Step> resumed(Supplier<Controller> fresh,
            UnaryOperator<ControllerState> alter) {
        Controller first = fresh.get();
        List<Simulation.Step> steps = new ArrayList<>(SIMULATION.run(first, 0, SPLIT));
        Controller second = fresh.get();
        second.restore(alter.apply(first.state()));
        steps.addAll(SIMULATION.run(second, SPLIT, SIMULATION.batches()));
        return steps;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void aRestoredControllerContinuesTheTrajectoryExactly(String name, ControllerFactory factory) {
        List<Simulation.Step> uninterrupted = SIMULATION.run(fresh(factory));
        // every step, thresholds and full controller states included, compared with exact double equality
        assertThat(resumed(() -> fresh(factory), state -> state)).isEqualTo(uninterrupted);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void losingAnyStateVariableChangesTheTrajectory(String name, ControllerFactory factory) {
        List<Simulation.Step> uninterrupted = SIMULATION.run(fresh(factory));
        for (String variable : fresh(factory).state().values().keySet()) {
            if (variable.equals("error") || variable.equals("saturated")) {
                continue; // outputs of the last batch, recomputed on the next one; in the state for inspection
            }
            List<Simulation.Step> withLoss = resumed(() -> fresh(factory), state -> reset(state, variable));
            assertThat(withLoss).as("resumed without '%s'", variable).isNotEqualTo(uninterrupted);
        }
    }

    /** Sets one variable back to its value in a fresh controller, or perturbs it if that is what it already holds. */
    private static ControllerState reset(ControllerState state, String variable) {
        Map<String, Double> values = new LinkedHashMap<>(state.values());
        double initial = switch (variable) {
            case "threshold" -> 0.5;
            case "smoothedRate" -> Double.NaN;
            case "gainScale" -> 1.0;
            default -> 0.0;
        };
        values.put(variable, values.get(variable).equals(initial) ? 1 - initial : initial);
        return new ControllerState(state.controller(), values);
    }

    @Test
    void theOracleBaselineResumesExactlyToo() {
        ActivationCurve curve = ActivationCurve.of(SIMULATION);
        Supplier<Controller> fresh = () -> new OracleController(curve, SIMULATION.gate(), 0.10);
        assertThat(resumed(fresh, state -> state)).isEqualTo(SIMULATION.run(fresh.get()));
    }

    @Test
    void aStateOfAnotherKindIsRejectedByName() {
        ControllerState pid = fresh(new PidController.Factory()).state();
        assertThatThrownBy(() -> fresh(new PiController.Factory()).restore(pid))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot restore a 'pi' controller from a 'pid' state");
        ControllerState pi = fresh(new PiController.Factory()).state();
        assertThatThrownBy(() -> fresh(new AdaptivePiController.Factory()).restore(pi))
                .hasMessage("cannot restore a 'adaptive-pi' controller from a 'pi' state");
    }

    @Test
    void aStateMissingAVariableIsRejectedByTheVariablesName() {
        Map<String, Double> values = new LinkedHashMap<>(fresh(new PidController.Factory()).state().values());
        values.remove("filteredDerivative");
        assertThatThrownBy(() -> fresh(new PidController.Factory()).restore(new ControllerState("pid", values)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Controller 'pid' has no state 'filteredDerivative'");
    }

    @Test
    void anInvalidStateIsRejectedAndLeavesTheControllerUnchanged() {
        Controller controller = fresh(new AdaptivePiController.Factory());
        SIMULATION.run(controller, 0, 100);
        ControllerState before = controller.state();
        Map<String, Double> values = new LinkedHashMap<>(before.values());
        values.put("integral", 51.0);
        assertThatThrownBy(() -> controller.restore(new ControllerState("adaptive-pi", values)))
                .hasMessage("restored integral=51.0 is outside ±50.0");
        values.put("integral", 0.0);
        values.put("gainScale", 0.01);
        assertThatThrownBy(() -> controller.restore(new ControllerState("adaptive-pi", values)))
                .hasMessage("restored gainScale=0.01 is outside [0.05, 1]");
        values.put("gainScale", 1.0);
        values.put("threshold", 1.5);
        assertThatThrownBy(() -> controller.restore(new ControllerState("adaptive-pi", values)))
                .hasMessage("restored threshold=1.5 is outside [0.0, 1.0]");
        assertThat(controller.state()).isEqualTo(before);
    }
}
