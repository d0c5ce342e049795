package io.github.ast.examples.benchmark;

import ai.djl.translate.TranslateException;
import io.github.ast.core.AstConfig;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.datakinds.Deduplication;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Arms trained one after the other for the same training time, exactly as the benchmark trains them (the same model,
 * initialisation, data order and learning-rate schedule to the budget; evaluations on a paused clock), with one seed
 * and no run log: the demo's comparison. Each arm first trains two seconds untimed, so that none pays the JVM's and
 * engine's warm-up; the arms are evaluated at each third of the budget.
 */
public final class BudgetRace {

    /** Untimed seconds each arm trains before the timed runs. */
    private static final double WARM_UP_SECONDS = 2;

    private BudgetRace() {}

    /**
     * What a race trains.
     *
     * @param engine the engine
     * @param model the network's name
     * @param batch rows per batch
     * @param limit the first N training images only, 0 for all
     * @param budgetSeconds training seconds per arm
     * @param config AST's configuration for the AST arms, its engine set
     * @param seed the seed every arm shares
     */
    public record Setup(String engine, String model, int batch, long limit, double budgetSeconds, AstConfig config,
            long seed) {}

    /**
     * Trains the arms.
     *
     * @param setup what every arm shares
     * @param data the loaded images; a tenth of the training file (at most 1,000 images) is held out as the
     *     validation split, which {@code auto} measures its progress on
     * @param arms benchmark arm labels, e.g. {@code seed}, {@code auto}, {@code full}
     * @param finished told of each run as it ends
     * @return the runs, in the arms' order
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be built
     */
    public static List<RunRecord> run(Setup setup, FashionMnist.Data data, List<String> arms,
            Consumer<RunRecord> finished) throws IOException, TranslateException {
        BenchmarkData splits = BenchmarkData.split(data, Math.min(1000, data.train().size() / 10), setup.limit(),
                DataKind.CLEAN);
        List<Arm> parsed = ArmParser.parseList(arms, setup.config().target().targetRate());
        ArmRunner warmUp = new ArmRunner(runnerSetup(setup, WARM_UP_SECONDS), splits);
        for (Arm arm : parsed) {
            warmUp.run(arm, setup.seed());
        }
        ArmRunner runner = new ArmRunner(runnerSetup(setup, setup.budgetSeconds()), splits);
        List<RunRecord> runs = new ArrayList<>();
        for (Arm arm : parsed) {
            RunRecord run = runner.run(arm, setup.seed());
            finished.accept(run);
            runs.add(run);
        }
        return runs;
    }

    private static ArmRunner.Setup runnerSetup(Setup setup, double budget) {
        return new ArmRunner.Setup(setup.engine(), setup.model(), setup.batch(), budget, budget / 3,
                BudgetTracker.Shape.of("cosine"), 1e-3f, 0.02, setup.config(),
                Deduplication.DEFAULT_THRESHOLD);
    }

    /**
     * Returns the best test accuracy a run reached at any of its evaluations.
     *
     * @param run the run
     * @return the accuracy, in [0, 1]
     */
    public static double bestAccuracy(RunRecord run) {
        return run.evaluations().stream().mapToDouble(Evaluation::testAccuracy).max().orElse(Double.NaN);
    }

    /**
     * Returns the run that reached the best test accuracy of all first.
     *
     * @param runs the race's runs, at least one
     * @return that run
     */
    public static RunRecord first(List<RunRecord> runs) {
        double best = runs.stream().mapToDouble(BudgetRace::bestAccuracy).max().orElse(Double.NaN);
        return runs.stream().min(Comparator.comparingDouble((RunRecord r) -> r.secondsTo(best))).orElseThrow();
    }

    /**
     * Says which run reached the best test accuracy of all first, and how far behind the others were: how much later
     * they reached it, or how far below it they stayed.
     *
     * @param runs the race's runs
     * @param names each arm's name in the sentence, by label
     * @return one line
     */
    public static String verdict(List<RunRecord> runs, Map<String, String> names) {
        double best = runs.stream().mapToDouble(BudgetRace::bestAccuracy).max().orElse(Double.NaN);
        RunRecord first = first(runs);
        double at = first.secondsTo(best);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s reached the best accuracy, %.2f%%, "
                + "first, after %.0f s of training", names.get(first.arm()), 100 * best, at));
        for (RunRecord other : runs) {
            if (other == first) {
                continue;
            }
            double seconds = other.secondsTo(best);
            line.append("; ").append(names.get(other.arm())).append(Double.isFinite(seconds)
                    ? String.format(Locale.ROOT, " reached it after %.0f s (%.2fx as long)", seconds, seconds / at)
                    : String.format(Locale.ROOT, " stayed %.2f points below (best %.2f%%)",
                            100 * (best - bestAccuracy(other)), 100 * bestAccuracy(other)));
        }
        return line.toString();
    }
}
