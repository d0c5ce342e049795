package io.github.ast.examples.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;
import io.github.ast.core.AstConfig;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.benchmark.BudgetRace;
import io.github.ast.examples.benchmark.Evaluation;
import io.github.ast.examples.benchmark.RunRecord;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo on one engine: the published system, {@code auto} and plain full-data training, each for the same
 * training time, as the benchmark runs them, and the line that says which reached the best accuracy first.
 */
final class EngineComparison {

    /** The runs, in the order they train: benchmark arm labels. */
    static final List<String> ARMS = List.of("seed", "auto", "full");

    /** What the summary calls each run. */
    static final Map<String, String> NAMES = Map.of("seed", "the published system", "auto", "auto", "full",
            "full data");

    /** How a user trains as each run did. */
    static final Map<String, String> HOW = Map.of(
            "seed", "AST's defaults (the published system): AdaptiveSparseTraining.create(AstConfig.defaults())",
            "auto", "ast.policy=auto with ast.backwardBatch set to the batch size (its candidates train pooled "
                    + "full-size steps)",
            "full", "plain DJL training (EasyTrain.fit), or in AST's loop ast.policy=auto with "
                    + "ast.policy.candidates=none");

    private EngineComparison() {}

    /**
     * Runs the demo on an engine.
     *
     * @param setup the demo's setup
     * @param engineName the engine
     * @return the summary line
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the engine fails
     */
    static String run(DemoSetup setup, String engineName) throws IOException, TranslateException {
        AstConfig config = setup.config().toBuilder().engine(engineName).build();
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data data = setup.data().load(manager, true);
            System.out.printf(Locale.ROOT, "%n== %s %s | %s | %s: %d training images | %.0f s of training per run, "
                    + "batch %d%n", engineName, engine.getVersion(), setup.model(), data.source(), data.train().size(),
                    setup.budgetSeconds(), setup.batch());
            List<RunRecord> runs = BudgetRace.run(new BudgetRace.Setup(engineName, setup.model(), setup.batch(),
                    setup.limit(), setup.budgetSeconds(), config, config.random().seed()), data, ARMS,
                    run -> System.out.println(line(run)));
            return String.format(Locale.ROOT, "%-8s %s, %.0f s each: %s.%n         To train as %s did: %s",
                    engineName, setup.model(), setup.budgetSeconds(), BudgetRace.verdict(runs, NAMES),
                    NAMES.get(BudgetRace.first(runs).arm()), HOW.get(BudgetRace.first(runs).arm()));
        }
    }

    private static String line(RunRecord run) {
        Evaluation last = run.last();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "   %-21s %3d epochs, %6.0f rows "
                + "back-propagated per training second | test acc %.2f%% at the end, best %.2f%%",
                NAMES.get(run.arm()), run.epochs(), last.backpropagated() / last.seconds(), 100 * last.testAccuracy(),
                100 * BudgetRace.bestAccuracy(run)));
        run.decisions().forEach(decision -> line.append(System.lineSeparator()).append("      auto: ")
                .append(decision));
        return line.toString();
    }
}
