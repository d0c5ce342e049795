package io.github.ast.examples.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.translate.TranslateException;
import io.github.ast.core.AstConfig;
import io.github.ast.core.EpochStats;
import io.github.ast.core.RunReport;
import io.github.ast.energy.CarbonIntensity;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.benchmark.Stats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo on one engine: the AST run and, unless skipped, the full-data baseline on the same data and seed, summed
 * up in lines that set AST's counted savings beside the time and energy actually measured.
 */
final class EngineComparison {

    private EngineComparison() {}

    /**
     * Runs the demo on an engine.
     *
     * @param setup the demo's setup
     * @param engineName the engine
     * @return the summary lines: AST's figures, and with the baseline its figures and the measured ratios
     * @throws IOException if the data cannot be read or a report written
     * @throws TranslateException if the engine fails
     */
    static List<String> run(DemoSetup setup, String engineName) throws IOException, TranslateException {
        List<String> lines = new ArrayList<>();
        AstConfig config = setup.config().toBuilder().engine(engineName).build();
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data data = setup.data().load(manager, true);
            ArrayDataset train = data.train().dataset(setup.batch(), true, setup.limit());
            ArrayDataset test = data.test().dataset(setup.batch(), false, 0);
            System.out.printf(Locale.ROOT, "%n== %s %s | %s | %s: %d train / %d test | %d epochs, batch %d%n",
                    engineName, engine.getVersion(), setup.model(), data.source(), train.size(), test.size(),
                    setup.epochs(), setup.batch());
            System.out.println("   config " + config.toProperties());

            RunReport report = AstRun.train(setup, config, engineName, train, test);
            EpochStats last = report.last();
            double astSeconds = Stats.median(report.epochs().stream().mapToDouble(EpochStats::trainSeconds)
                    .toArray());
            double settled = report.epochs().size() > 1
                    ? report.epochs().subList(1, report.epochs().size()).stream()
                            .mapToDouble(EpochStats::activationRate).average().orElse(Double.NaN)
                    : last.activationRate();
            StringBuilder savings = new StringBuilder();
            report.totalEnergies().forEach((name, energy) -> savings.append(String.format(Locale.ROOT, " %s %.1f%%",
                    name, 100 * energy.savings())));
            double astJoules = report.totalJoules();
            lines.add(String.format(Locale.ROOT,
                    "%-8s %s AST:  test acc %.2f%% | activation %.1f%% (epochs 2+: %.1f%%, target %.0f%%)"
                            + " | counted savings (scoring included):%s | median train epoch %.1fs | %s",
                    engineName, setup.model(), 100 * last.validationAccuracy(), 100 * last.activationRate(),
                    100 * settled, 100 * config.target().targetRate(), savings, astSeconds,
                    energyText(astJoules, report.meter(), report.meterIsEstimate())));

            if (setup.baseline()) {
                engine.setRandomSeed((int) config.random().seed());
                FullDataRun baseline = FullDataRun.train(setup, config, engineName, train, test);
                lines.add(String.format(Locale.ROOT,
                        "%-8s %s full: test acc %.2f%% | median train epoch %.1fs | %s",
                        engineName, setup.model(), 100 * baseline.accuracy(), baseline.medianEpochSeconds(),
                        energyText(baseline.joules(), report.meter(), report.meterIsEstimate())));
                lines.add(String.format(Locale.ROOT,
                        "%-8s %s measured, AST vs full, same run: epoch time %.2fx (speed-up %.2fx), energy %.2fx "
                                + "(saving %.1f%%)%s",
                        engineName, setup.model(), astSeconds / baseline.medianEpochSeconds(),
                        baseline.medianEpochSeconds() / astSeconds, astJoules / baseline.joules(),
                        100 * (1 - astJoules / baseline.joules()),
                        report.meterIsEstimate() ? ", energy is an ESTIMATE from CPU time" : ""));
            }
        }
        return lines;
    }

    /** Formats measured joules, their kWh and CO2 at the world-average grid intensity, and the meter. */
    private static String energyText(double joules, String meter, boolean estimate) {
        if (Double.isNaN(joules)) {
            return "no energy meter";
        }
        return String.format(Locale.ROOT, "%.0f J = %.2e kWh = %.3f g CO2 at %.0f g/kWh (%s%s)", joules,
                CarbonIntensity.kilowattHours(joules), CarbonIntensity.WORLD_AVERAGE.grams(joules),
                CarbonIntensity.WORLD_AVERAGE.gramsPerKwh(), meter, estimate ? ", ESTIMATE" : "");
    }
}
