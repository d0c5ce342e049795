package io.github.ast.controllers.simulation;

import io.github.ast.api.Controller;
import io.github.ast.api.spi.ControllerFactory;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.ServiceLoader;

/**
 * Prints, as Markdown, how every registered controller with default settings (and the {@link OracleController}
 * baseline) does on every standard stream, for targets 5%, 10%, 25% and 50%, through the threshold gate and the
 * probabilistic gate.
 *
 * <p>The figures in {@code docs/controllers.md} are this command's output; every draw is seeded, so they are
 * reproducible bit for bit.
 */
public final class SimulationReport {

    /** Batches per run; the tiny-batch stream runs as many batches as the others. */
    public static final int BATCHES = 3000;

    /** Seed of every run. */
    public static final long SEED = 42;

    /** Threshold before the first batch: the default of {@code ast.initialThreshold}. */
    public static final double INITIAL_THRESHOLD = 0.5;

    /** The targets the issue asks for. */
    public static final List<Double> TARGETS = List.of(0.05, 0.10, 0.25, 0.50);

    /** The gates: the reference one and the soft one with its default temperature. */
    public static final List<SimulatedGate> GATES =
            List.of(new SimulatedGate.Threshold(), new SimulatedGate.Probabilistic(0.05));

    private static final String ORACLE = "oracle";

    private SimulationReport() {}

    /** One run of the report. */
    private record Run(SignificanceStream stream, double target, String controller, RunMetrics metrics) {}

    /**
     * Prints the report to standard output.
     *
     * @param args none
     */
    public static void main(String[] args) {
        System.out.print(markdown(registeredControllers()));
    }

    /** {@return the controller factories on the class path, in registration order} */
    public static List<ControllerFactory> registeredControllers() {
        return ServiceLoader.load(ControllerFactory.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /**
     * Creates a controller with its default settings, as a run with only {@code ast.targetRate} set would.
     *
     * @param factory the controller's factory
     * @param targetRate the target
     * @return a controller at {@link #INITIAL_THRESHOLD}
     */
    public static Controller withDefaults(ControllerFactory factory, double targetRate) {
        return factory.create(new PluginContext(targetRate, INITIAL_THRESHOLD, SEED, Settings.empty()));
    }

    /**
     * Runs every combination and renders, per gate, a summary, the settling counts as the issue defines settling and
     * the full table.
     *
     * @param controllers the controllers to compare
     * @return the Markdown
     */
    public static String markdown(List<ControllerFactory> controllers) {
        List<String> names = new ArrayList<>(controllers.stream().map(ControllerFactory::name).toList());
        names.add(ORACLE);
        StringBuilder out = new StringBuilder();
        for (SimulatedGate gate : GATES) {
            List<Run> runs = new ArrayList<>();
            for (SignificanceStream stream : SignificanceStream.standard()) {
                Simulation simulation = new Simulation(stream, gate, BATCHES, SEED);
                ActivationCurve curve = ActivationCurve.of(simulation);
                for (double target : TARGETS) {
                    for (ControllerFactory factory : controllers) {
                        runs.add(new Run(stream, target, factory.name(), RunMetrics.of(
                                simulation.run(withDefaults(factory, target)), target, curve, gate)));
                    }
                    runs.add(new Run(stream, target, ORACLE, RunMetrics.of(
                            simulation.run(new OracleController(curve, gate, target)), target, curve, gate)));
                }
            }
            out.append("### Gate: ").append(gate.name()).append("\n\n");
            summary(out, runs, controllers);
            issueSettling(out, runs, names);
            details(out, runs);
        }
        return out.toString();
    }

    private static void summary(StringBuilder out, List<Run> runs, List<ControllerFactory> controllers) {
        out.append("Expected rate at the controller's threshold: batches until first within ±2 points / batches "
                + "until within ±2 points for good / its standard deviation over the second half (points); and the "
                + "largest steady-state error of the four targets.\n\n");
        out.append("| controller | stream |");
        TARGETS.forEach(t -> out.append(String.format(Locale.ROOT, " target %.2f |", t)));
        out.append(" worst steady-state error (pts) |\n|---|---|");
        TARGETS.forEach(t -> out.append("---:|"));
        out.append("---:|\n");
        for (ControllerFactory factory : controllers) {
            for (SignificanceStream stream : SignificanceStream.standard()) {
                out.append("| ").append(factory.name()).append(" | ").append(stream.name()).append(" |");
                double worst = 0;
                for (Run run : runs) {
                    if (run.controller().equals(factory.name()) && run.stream().name().equals(stream.name())) {
                        RunMetrics m = run.metrics();
                        out.append(String.format(Locale.ROOT, " %s / %s / %.2f |", batches(m.firstInBandBatches()),
                                batches(m.expectedSettlingBatches()), m.thresholdJitterPoints()));
                        worst = Math.abs(m.steadyStateErrorPoints()) > Math.abs(worst) ? m.steadyStateErrorPoints()
                                : worst;
                    }
                }
                out.append(String.format(Locale.ROOT, " %+.2f |%n", worst));
            }
        }
        out.append('\n');
    }

    private static void issueSettling(StringBuilder out, List<Run> runs, List<String> names) {
        out.append("Settling as the issue defines it (EMA of the observed rate, α 0.3, within ±2 points until the end "
                + "of the run), counted over the ").append(SignificanceStream.standard().size() * TARGETS.size())
                .append(" stream × target runs:\n\n");
        out.append("| controller | settled before batch " + (BATCHES - 100) + " | settled before batch " + BATCHES / 2
                + " |\n|---|---:|---:|\n");
        for (String name : names) {
            List<OptionalInt> settling = runs.stream().filter(run -> run.controller().equals(name))
                    .map(run -> run.metrics().settlingBatches()).toList();
            out.append(String.format(Locale.ROOT, "| %s | %d of %d | %d of %d |%n", name,
                    settledBefore(settling, BATCHES - 100), settling.size(), settledBefore(settling, BATCHES / 2),
                    settling.size()));
        }
        out.append('\n');
    }

    private static void details(StringBuilder out, List<Run> runs) {
        out.append("<details><summary>Every run</summary>\n\n");
        out.append("| stream | target | controller | settling, EMA rate | settling, expected rate | first in band | "
                + "overshoot, EMA / expected (pts) | steady-state error (pts) | steady-state std (pts) | jitter (pts) "
                + "| threshold range | saturated | max \\|I\\| |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        for (Run run : runs) {
            RunMetrics m = run.metrics();
            out.append(String.format(Locale.ROOT,
                    "| %s | %.2f | %s | %s | %s | %s | %.1f / %.1f | %+.2f | %.2f | %.2f | %.3f–%.3f | %.1f%% | %s |%n",
                    run.stream().name(), run.target(), run.controller(), batches(m.settlingBatches()),
                    batches(m.expectedSettlingBatches()), batches(m.firstInBandBatches()), m.overshootPoints(),
                    m.expectedOvershootPoints(), m.steadyStateErrorPoints(), m.steadyStateStdPoints(),
                    m.thresholdJitterPoints(), m.minThreshold(), m.maxThreshold(), 100 * m.saturatedFraction(),
                    Double.isNaN(m.maxAbsIntegral()) ? "—" : String.format(Locale.ROOT, "%.1f", m.maxAbsIntegral())));
        }
        out.append("\n</details>\n\n");
    }

    private static long settledBefore(List<OptionalInt> settling, int batch) {
        return settling.stream().filter(s -> s.isPresent() && s.getAsInt() < batch).count();
    }

    private static String batches(OptionalInt count) {
        return count.isPresent() ? String.valueOf(count.getAsInt()) : "never";
    }
}
