package io.github.ast.examples.benchmark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigCodec;
import io.github.ast.core.Provenance;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.examples.AstSettings;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark: every arm trained for the same training-time budget with the same model, initialisation, data
 * order, optimiser and learning-rate schedule (decayed to the budget), seed by seed with the arms interleaved, on a
 * 55,000 / 5,000 / 10,000 train / validation / test split of Fashion-MNIST, optionally with label noise on the
 * training split. Each finished run is appended to {@code runs.jsonl}; {@code --resume} continues a stopped
 * benchmark. Writes results.json, results.csv, summary.md and PNG plots from all finished runs.
 *
 * <p>This class reads and checks the command line and records it as the run log's header; {@link ArmParser} reads
 * the arms, {@link InterleavedRuns} trains them and {@link BenchmarkOutputs} writes what people read.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compares full data, random controls and AST arms at equal training time on Fashion-MNIST.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--engine", defaultValue = "MXNet", description = "PyTorch or MXNet (default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "mlp", description = Models.NAMES + " (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--arms", split = ",", defaultValue = "full,random-batch@0.1,0.3,0.5,rs2@0.1,0.3,0.5,seed,"
            + "seed:random,ast-100", description = "arms to compare; a bare rate continues the previous arm's kind, "
            + "so random-batch@0.1,0.3 is two arms (default ${DEFAULT-VALUE}); known: full, random-batch@r, rs2@r, "
            + "infobatch@r, infobatch@r:random, sb@b, sb@b:random, auto, seed-every@k, "
            + "seed-down@k, seed, seed:random, ast-100, stale-sb, stale-sb:random, importance, importance:random, "
            + "rho-loss, rho-loss:random, rho-loss@e, rho-loss@e:random (e: the reference's epochs), balanced, dedup, "
            + "early-stop, finetune@f, full+la, rs2@r+la, classprune@r, rho-clean, rho-clean:clocked, auto-class, "
            + "auto-rho")
    List<String> arms;

    @Option(names = "--seeds", defaultValue = "5", description = "paired seeds (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "42", description = "the first seed (default ${DEFAULT-VALUE})")
    long firstSeed;

    @Option(names = "--budget", defaultValue = "60", description = "training seconds per run (default ${DEFAULT-VALUE})")
    double budget;

    @Option(names = "--eval-every", description = "training seconds between evaluations (default: budget / 20, at "
            + "most 10)")
    Double evaluateEvery;

    @Option(names = "--schedule", defaultValue = "cosine",
            description = "learning-rate schedule over the budget: cosine, linear or fixed (default ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's base learning rate (default ${DEFAULT-VALUE})")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "0.02",
            description = "fraction of the budget the learning rate warms up over (default ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--targets", split = ",", defaultValue = "0.85,0.87,0.88",
            description = "test-accuracy targets (default ${DEFAULT-VALUE})")
    double[] targets;

    @Option(names = "--at", split = ",", description = "training times for the accuracy table (default: 1/4, 1/2, "
            + "3/4 and all of the budget)")
    double[] at;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--validation", defaultValue = "5000",
            description = "images held out from the end of the training file to tune on (default ${DEFAULT-VALUE})")
    long validation;

    @Option(names = "--limit", defaultValue = "0", description = "train on the first N of the rest (0: all)")
    long limit;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Mixin
    DataKindOptions dataKind = new DataKindOptions();

    @Option(names = "--out", defaultValue = "benchmark-results", description = "output directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--jit-warmup", defaultValue = "2", description = "untimed seconds each arm trains once before "
            + "the first measured run, so that no arm pays the JVM's and engine's warm-up (default ${DEFAULT-VALUE})")
    double jitWarmup;

    @Option(names = "--resume", description = "continue the benchmark in --out, skipping finished runs")
    boolean resume;

    @Option(names = "--pause-file", description = "before each run, wait while this file exists: the machine can be "
            + "used between timed runs without disturbing one")
    Path pauseFile;

    @Option(names = "--render", description = "only rewrite the summary and plots from --out's finished runs")
    boolean render;

    @Option(names = "--quick", description = "MLP, 1 seed, 10 s per run, six arms: under 2 minutes on 2 cores")
    boolean quick;

    private final String[] args;

    /**
     * Creates the command.
     *
     * @param args the arguments it is run with, recorded with its results
     */
    public BenchmarkCommand(String[] args) {
        this.args = args.clone();
    }

    /**
     * Runs the benchmark.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(Cli.execute(new CommandLine(new BenchmarkCommand(args)), args));
    }

    @Override
    public Integer call() throws Exception {
        if (render) {
            BenchmarkOutputs.render(out);
            return 0;
        }
        applyQuick();
        if (seeds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--seeds " + seeds + " must be >= 1");
        }
        AstConfig astConfig = AstSettings.read(null).toBuilder().engine(engine).build();
        List<Arm> chosen = ArmParser.parseList(arms, astConfig.target().targetRate());
        requireScorable(chosen, model);
        double every = evaluateEvery != null ? evaluateEvery : Math.min(10, budget / 20);
        ArmRunner.Setup setup = new ArmRunner.Setup(engine, model, batch, budget, every,
                BudgetTracker.Shape.of(schedule), learningRate, warmup, astConfig, dataKind.threshold());
        DataKind kind = dataKind.kind();
        for (Arm arm : chosen) {
            if (arm.needsCleanHoldout() && kind.cleanHoldout() == 0) {
                throw new IllegalArgumentException("arm " + arm.label() + " trains or stops on a clean holdout: give "
                        + "--clean-holdout n (e.g. 5000)");
            }
        }
        double[] budgets = at != null ? at.clone() : new double[] {budget / 4, budget / 2, 3 * budget / 4, budget};

        Engine djlEngine = Engine.getEngine(engine);
        try (NDManager manager = djlEngine.newBaseManager()) {
            BenchmarkData splits = BenchmarkData.split(dataOptions.load(manager, false), validation, limit, kind);
            Map<String, Object> header = header(setup, splits, chosen, budgets, djlEngine);
            RunLog log = RunLog.open(out, header, resume);
            requireSameAst100(log, chosen);
            System.out.printf(Locale.ROOT, "Benchmark: %s %s, %s: %d train / %d validation / %d test, %s; "
                    + "arms %s; %d seed(s) from %d; %.0f s per run, evaluation every %.1f s, %s learning rate%n",
                    engine, model, splits.source(), splits.train().size(), splits.validation().size(),
                    splits.test().size(), kind.describe(), chosen.stream().map(Arm::label).toList(), seeds, firstSeed,
                    budget, every, schedule);
            if (!log.runs().isEmpty()) {
                System.out.printf(Locale.ROOT, "Resuming %s: %d run(s) already finished are skipped%n",
                        out.resolve(RunLog.FILE), log.runs().size());
            }
            InterleavedRuns runs = new InterleavedRuns(log, chosen, seeds, firstSeed, pauseFile);
            if (runs.pending() && jitWarmup > 0) {
                runs.warmUp(new ArmRunner(new ArmRunner.Setup(engine, model, batch, jitWarmup, jitWarmup,
                        setup.schedule(), learningRate, warmup, astConfig, setup.dedupThreshold()), splits));
            }
            runs.run(new ArmRunner(setup, splits));
            BenchmarkOutputs.write(log, chosen.stream().map(Arm::label).toList(), targets, budgets, budget, out);
        }
        return 0;
    }

    /** {@code --quick}: the MLP and one seed, and 10 s per run and six arms unless those options are given. */
    private void applyQuick() {
        CommandLine.ParseResult parsed = new CommandLine(new BenchmarkCommand(args)).parseArgs(args);
        if (quick) {
            model = "mlp";
            seeds = 1;
            if (!parsed.hasMatchedOption("--budget")) {
                budget = 10;
            }
            if (!parsed.hasMatchedOption("--arms")) {
                arms = List.of("full", "random-batch@0.1", "rs2@0.1", "seed", "seed:random", "ast-100");
            }
        }
    }

    /** Marks logs whose {@code ast-100} runs train unscored, as a 100% target has since the profile issue. */
    private static final String AST_100_KEY = "ast100";
    private static final String AST_100_UNSCORED = "unscored: a 100% target trains every batch directly";

    /**
     * Refuses to add {@code ast-100} runs to a log whose {@code ast-100} runs were timed with the scoring pass (before
     * a 100% target trained unscored): the two would be pooled under one label.
     */
    private static void requireSameAst100(RunLog log, List<Arm> chosen) {
        boolean older = !log.setup().has(AST_100_KEY);
        boolean hasOld = log.runs().stream().anyMatch(r -> r.arm().equals("ast-100"));
        if (older && hasOld && chosen.stream().anyMatch(a -> a.label().equals("ast-100"))) {
            throw new IllegalArgumentException(log.file() + " holds ast-100 runs timed with the scoring pass, before a "
                    + "100% target trained unscored; new ast-100 runs would be pooled with them. Leave ast-100 out of "
                    + "--arms here, or start another --out");
        }
    }

    /**
     * Refuses, before any run, arms that score pooled images with a model that cannot take them: the project's
     * {@code mlp} and {@code cnn} end in a fixed-size classifier, and {@code cnn-gap} needs images of 4 x 4 or more.
     */
    static void requireScorable(List<Arm> chosen, String model) {
        int smallest = Models.smallestSide("cnn-gap");
        for (Arm arm : chosen) {
            int factor = arm.configure() == null ? 1
                    : arm.configure().apply(AstConfig.builder()).build().scoring().downsample();
            int pooledSide = (Models.IMAGE_SIDE + factor - 1) / factor; // edge windows average what they cover
            if (pooledSide < Models.smallestSide(model)) {
                throw new IllegalArgumentException("arm '" + arm.label() + "' scores images pooled by " + factor
                        + ", which --model " + model + " cannot take: use --model cnn-gap, whose images must stay "
                        + smallest + " x " + smallest + " or more (seed-down@2 to seed-down@"
                        + (Models.IMAGE_SIDE - 1) / (smallest - 1) + " on " + Models.IMAGE_SIDE + " x "
                        + Models.IMAGE_SIDE + ")");
            }
        }
    }

    /**
     * The run log's header: what the runs' timings and figures depend on ({@code identity}, which a resumed
     * benchmark must match), and the command, arms, seeds, targets and times the summary is rendered with.
     */
    private Map<String, Object> header(ArmRunner.Setup setup, BenchmarkData splits, List<Arm> chosen,
            double[] budgets, Engine djlEngine) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("engine", engine);
        identity.put("model", model);
        identity.put("data", splits.source());
        identity.put("trainSamples", splits.train().size());
        identity.put("validationSamples", splits.validation().size());
        identity.put("testSamples", splits.test().size());
        identity.put("labelNoise", splits.kind().noise());
        identity.putAll(splits.kind().identity());
        if (chosen.stream().anyMatch(a -> a.kind() == Arm.Kind.DEDUP)) {
            identity.put("dedupThreshold", setup.dedupThreshold());
        }
        if (splits.tail() != null) {
            identity.put("classOrder", splits.tail().order());
            identity.put("classCounts", splits.tail().counts());
        }
        identity.put("batch", batch);
        identity.put("budgetSeconds", budget);
        identity.put("evaluateEverySeconds", setup.evaluateEvery());
        identity.put("schedule", schedule.toLowerCase(Locale.ROOT));
        identity.put("learningRate", learningRate);
        identity.put("warmup", warmup);
        identity.put("optimizer", "Adam (ResumableAdam, DJL's Adam bit for bit)");
        identity.put("astConfig", new TreeMap<>(setup.astConfig().toProperties()));
        // Timings are only comparable on one machine, library build and allocator setting: resuming with another
        // core count, Java, library or allocator setting is refused. Another processor model may only time seeds
        // without a finished run (RunLog.requireOneProcessorModel); each run records its processor, with its vector
        // extensions (Machine.PROCESSOR), and the summary names the seeds timed on each. The vector extensions are
        // not part of the identity, so that configurations begun before they were recorded still resume.
        identity.put("provenance", Provenance.of(djlEngine));
        identity.put("machine", Machine.describe(Machine.PROCESSOR_MODEL, true, "MALLOC_", "OMP_", "MXNET_"));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("identity", identity);
        header.put("command", "ast benchmark " + String.join(" ", args));
        header.put("started", Instant.now().toString());
        header.put("arms", chosen.stream().map(Arm::label).toList());
        header.put("armDescriptions", chosen.stream().collect(Collectors.toMap(Arm::label, Arm::description,
                (a, b) -> a, LinkedHashMap::new)));
        header.put("seeds", seeds);
        header.put("firstSeed", firstSeed);
        header.put("targets", targets);
        header.put("accuracyAt", budgets);
        header.put(AST_100_KEY, AST_100_UNSCORED);
        return header;
    }
}
