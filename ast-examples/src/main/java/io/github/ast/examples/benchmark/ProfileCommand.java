package io.github.ast.examples.benchmark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.core.ScoringPass;
import io.github.ast.core.SelectionConfig;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a batch's time goes, per engine: the unprofiled milliseconds per batch of a plain DJL loop, of the scoring
 * pass alone, of a small step, and of AST's loops (100%, 10% per batch, 10% pooled, 10% from free scores), medians
 * of several passes over the same batches; then each loop once more with {@link PhaseTimes} on, for the mean of
 * every phase per batch. Every case starts from a fresh model initialised with the same seed and trains one untimed epoch
 * first (JIT, the engines' caches, and a full history for the free-score case). Writes {@code profile.json} and
 * {@code profile.md}; the targets of issue 16 are derived from the unprofiled figures.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Per-phase profile of AST's loop against a plain DJL loop, on each engine")
public final class ProfileCommand implements Callable<Integer> {

    @Option(names = "--engine", defaultValue = "all",
            description = "PyTorch, MXNet or all, profiled one after the other (default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = Models.NAMES + " (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--samples", defaultValue = "12800",
            description = "the first N training images are the profile's data (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--passes", defaultValue = "3",
            description = "timed passes over the data per case; the median is reported (default ${DEFAULT-VALUE})")
    int passes;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--compare", description = "a benchmark folder of the same model (repeatable): its full, ast-100 "
            + "and seed arms' milliseconds per batch are set beside the profile's plain, ast-100 and ast-10")
    List<Path> compare = new ArrayList<>();

    @Option(names = "--cheaper-scoring", description = "also profile the cheaper scoring passes: the published "
            + "system scoring every 2nd and 4th batch (ast.scoreEvery) and, for a model that accepts smaller images "
            + "(cnn-gap), the scoring pass and the published system on images pooled by 2 (ast.scoreDownsample)")
    boolean cheaperScoring;

    @Option(names = "--render", description = "only rewrite profile.md (and cheaper-scoring.md) from --out's "
            + "profile.json")
    boolean render;

    @Option(names = "--out", defaultValue = "docs/performance", description = "output directory (default "
            + "${DEFAULT-VALUE})")
    Path out;

    private final String[] args;

    /**
     * Creates the command.
     *
     * @param args the arguments it is run with, recorded with its results
     */
    public ProfileCommand(String[] args) {
        this.args = args.clone();
    }

    /**
     * Runs the profile.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(Cli.execute(new CommandLine(new ProfileCommand(args)), args));
    }

    /** The selected rate of the sparse cases. */
    static final double RATE = 0.1;

    /** One loop to profile: how a batch trains; its phases go to the recorder it was built with. */
    private interface Loop {
        /** Trains the batch. */
        void train(Trainer trainer, Batch batch);

        /** Starts an epoch (AST's loops: its history, on the first). */
        default void startEpoch(Trainer trainer, ArrayDataset dataset, int epoch) throws IOException,
                TranslateException {}

        /** Ends an epoch (AST's pooled loops train what is queued). */
        default void finishEpoch(Trainer trainer) {}
    }

    /** A case: its name, what it is, and how to build its loop, reporting to a recorder, on a fresh trainer. */
    private record Case(String name, String description, BiFunction<String, PhaseTimes, Loop> loop) {}

    private static List<Case> cases(int batch, boolean cheaperScoring, String model) {
        PerSampleLoss loss = PerSampleLoss.softmaxCrossEntropy();
        int kept = keptRows(batch);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("plain", "plain DJL: EasyTrain.trainBatch + trainer.step on every row", (engine, times) ->
                (trainer, b) -> plainStep(trainer, b, times)));
        cases.add(new Case("scoring", "the scoring pass alone: gradient-free forward, per-sample loss, one read",
                (engine, times) -> (trainer, b) -> scoringPass(trainer, b.getData(), b.getLabels(), loss, times)));
        cases.add(new Case("random-10", "plain step on " + kept + " uniformly random rows of each batch "
                + "(random-batch@0.1)", (engine, times) -> (trainer, b) -> smallStep(trainer, b, kept, times)));
        cases.add(ast("ast-100", "AST at a 100% target (the benchmark's ast-100): nothing can be skipped, so batches "
                + "train directly, unscored", b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)));
        cases.add(ast("scored-100", "AST's scoring loop at 100% (ast.policy.scoreAtFullTarget=true): scoring pass, "
                + "gate passing every row, step on all", b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)
                        .setting("policy.scoreAtFullTarget", "true")));
        cases.add(ast("ast-10", "the published system at 10%, per-batch steps", b -> b));
        cases.add(ast("ast-10-pooled", "the published system at 10%, selected rows pooled into steps of " + batch
                + " rows", b -> b.backwardBatch(batch)));
        cases.add(ast("free-10-pooled", "free scores at 10%: the gate on each sample's last training loss (no "
                + "scoring pass), pooled into steps of " + batch + " rows", b -> b.backwardBatch(batch)
                        .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0, false, 0, 0))));
        if (cheaperScoring) {
            for (int every : EVERY) {
                cases.add(ast("ast-10-every" + every, "the published system at 10%, per-batch steps, a scoring forward "
                        + "on one batch in " + every + " (ast.scoreEvery=" + every + "), the history's losses in "
                        + "between", b -> b.scoring(new ScoringPass(every, 1))));
            }
            if (Models.acceptsSmallerImages(model)) {
                cases.add(new Case("scoring-down2", "the scoring pass alone on images average-pooled by 2 "
                        + "(ast.scoreDownsample=2)", (engine, times) -> (trainer, b) -> scoringPass(trainer,
                                new NDList(new ScoringPass(1, 2).pooled(b.getData().head())), b.getLabels(), loss,
                                times)));
                cases.add(ast("ast-10-down2", "the published system at 10%, per-batch steps, scoring images pooled by "
                        + "2 (ast.scoreDownsample=2)", b -> b.scoring(new ScoringPass(1, 2))));
            }
        }
        return cases;
    }

    /** The scoring intervals {@code --cheaper-scoring} profiles. */
    static final int[] EVERY = {2, 4};

    /** A gradient-free forward, per-sample losses and one read, with the phases marked. */
    private static void scoringPass(Trainer trainer, NDList data, NDList labels, PerSampleLoss loss,
            PhaseTimes times) {
        NDList outputs = trainer.evaluate(data);
        NDArray losses = loss.compute(labels, outputs);
        times.end(Phase.SCORING_FORWARD, losses);
        losses.sum().toByteBuffer();
        times.end(Phase.SELECTION, (NDArray) null);
    }

    /** The rows a random 10% step keeps of a batch, at least one. */
    static int keptRows(int batch) {
        return (int) Math.max(1, Math.round(RATE * batch));
    }

    private static Case ast(String name, String description, UnaryOperator<AstConfigBuilder> configure) {
        return new Case(name, description, (engine, times) -> {
            AstConfig config = configure.apply(AstConfig.builder().engine(engine).seed(42)).build();
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
            ast.profileWith(times);
            return new Loop() {
                @Override
                public void train(Trainer trainer, Batch batch) {
                    ast.trainBatch(trainer, batch);
                }

                @Override
                public void startEpoch(Trainer trainer, ArrayDataset dataset, int epoch) throws IOException,
                        TranslateException {
                    ast.startEpoch(trainer, dataset, epoch);
                }

                @Override
                public void finishEpoch(Trainer trainer) {
                    ast.finishEpoch(trainer);
                }
            };
        });
    }

    /** EasyTrain.trainBatch and the optimiser step, or, profiled, the same steps with a mark after each. */
    private static void plainStep(Trainer trainer, Batch batch, PhaseTimes times) {
        if (!times.isOn()) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
            return;
        }
        step(trainer, batch, batch.getData(), batch.getLabels(), times);
    }

    /** A step on {@code kept} rows drawn uniformly on the engine, as the benchmark's random-batch arm trains. */
    private static void smallStep(Trainer trainer, Batch batch, int kept, PhaseTimes times) {
        int size = batch.getSize();
        NDArray rows = batch.getManager().randomUniform(0f, 1f, new Shape(size)).argSort()
                .get("0:" + Math.min(kept, size));
        NDList data = new NDList(batch.getData().head().get(new NDIndex("{}", rows)));
        NDList labels = new NDList(batch.getLabels().head().get(new NDIndex("{}", rows)));
        times.end(Phase.GATHER, data.head());
        step(trainer, batch, data, labels, times);
    }

    /** What {@code EasyTrain.trainBatch} and {@code trainer.step()} do, with the phases marked. */
    private static void step(Trainer trainer, Batch batch, NDList data, NDList labels, PhaseTimes times) {
        NDList predictions;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            predictions = trainer.forward(data, labels);
            times.end(Phase.TRAINING_FORWARD, predictions.head());
            NDArray loss = trainer.getLoss().evaluate(labels, predictions);
            times.end(Phase.LOSSES, loss);
            collector.backward(loss);
            times.endBackward(trainer);
        }
        BatchData batchData = new BatchData(batch, Map.of(labels.head().getDevice(), labels),
                Map.of(predictions.head().getDevice(), predictions));
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
        times.end(Phase.LISTENERS, (NDArray) null);
        trainer.step();
        times.endOptimizer(trainer);
    }

    /**
     * What one case measured on one engine.
     *
     * @param name the case
     * @param description what it runs
     * @param unprofiledMs milliseconds per batch of each timed pass, no phase waits
     * @param unprofiledMedianMs their median
     * @param profiledMeanMs milliseconds per batch of the profiled pass, phase waits included
     * @param phaseMeanMs each phase's milliseconds per batch in the profiled pass (its sum over the epoch, the pooled
     *     flush included, over the batches), and {@code OTHER}: the profiled figure minus the phases' sum (host
     *     bookkeeping: controller, energy, history, results). Means, not medians: a pooled loop steps on one batch
     *     in ten, which a median would hide.
     */
    record CaseResult(String name, String description, double[] unprofiledMs, double unprofiledMedianMs,
            double profiledMeanMs, Map<String, Double> phaseMeanMs) {}

    /** One engine's cases. */
    record EngineProfile(String engine, String engineVersion, List<CaseResult> cases) {

        /** {@return the case of that name} */
        CaseResult get(String name) {
            return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        }
    }

    /** The whole profile, as written to {@code profile.json}. */
    record Profile(String command, Map<String, Object> machine, String model, long samples, int batch, int passes,
            List<EngineProfile> engines, List<BenchmarkRates> benchmarks) {}

    @Override
    public Integer call() throws Exception {
        if (render) {
            Profile recorded = new Gson().fromJson(Files.readString(out.resolve("profile.json")), Profile.class);
            write(recorded);
            System.out.println("Written to " + out.resolve("profile.md").toAbsolutePath());
            return 0;
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--passes " + passes + " must be >= 1");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch " + batch + " must be >= 1");
        }
        if (samples < batch) {
            throw new IllegalArgumentException("--samples " + samples + " must be at least --batch " + batch);
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", BenchmarkCommand.PROCESSOR);
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("environment", mallocSettings());
        List<BenchmarkRates> benchmarks = new ArrayList<>();
        for (Path folder : compare) {
            BenchmarkRates rates = BenchmarkRates.of(folder);
            if (!rates.model().equals(model)) {
                throw new IllegalArgumentException("--compare " + folder + " is a benchmark of the " + rates.model()
                        + "; the profile runs the " + model);
            }
            benchmarks.add(rates);
        }
        List<String> names = "all".equalsIgnoreCase(engine) ? List.of("PyTorch", "MXNet")
                : List.of("PyTorch", "MXNet").stream().filter(e -> e.equalsIgnoreCase(engine)).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--engine " + engine + " is unknown; use PyTorch, MXNet or all");
        }
        List<EngineProfile> profiles = new ArrayList<>();
        for (String name : names) {
            profiles.add(profile(name));
        }
        Profile result = new Profile("ast profile " + String.join(" ", args), machine, model, samples, batch, passes,
                profiles, benchmarks);
        Files.createDirectories(out);
        Files.writeString(out.resolve("profile.json"), new GsonBuilder().setPrettyPrinting()
                .serializeSpecialFloatingPointValues().create().toJson(result), StandardCharsets.UTF_8);
        write(result);
        System.out.println(ProfileReport.markdown(result));
        return 0;
    }

    /** Writes {@code profile.md} and, with cheaper scoring passes, {@code cheaper-scoring.md} beside it. */
    private void write(Profile profile) throws IOException {
        Files.writeString(out.resolve("profile.md"), ProfileReport.markdown(profile), StandardCharsets.UTF_8);
        String cheaper = ProfileReport.cheaperScoringMarkdown(profile);
        if (cheaper != null) {
            Files.writeString(out.resolve("cheaper-scoring.md"), cheaper, StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(out.resolve("cheaper-scoring.md"));
        }
    }

    private static Map<String, String> mallocSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getenv().entrySet().stream().filter(e -> e.getKey().startsWith("MALLOC_")).sorted(Map.Entry
                .comparingByKey()).forEach(e -> settings.put(e.getKey(), e.getValue()));
        return settings;
    }

    private EngineProfile profile(String engineName) throws IOException, TranslateException {
        Engine engine = Engine.getEngine(engineName);
        List<CaseResult> results = new ArrayList<>();
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data loaded = dataOptions.load(manager, false);
            long n = Math.min(samples, loaded.train().size());
            FashionMnist.Split split = loaded.train().slice(0, n);
            for (Case c : cases(batch, cheaperScoring, model)) {
                System.out.printf(Locale.ROOT, "%s: %s%n", engineName, c.name());
                results.add(profileCase(engineName, c, split));
            }
        }
        return new EngineProfile(engineName, engine.getVersion(), results);
    }

    private CaseResult profileCase(String engineName, Case c, FashionMnist.Split split) throws IOException,
            TranslateException {
        Engine.getEngine(engineName).setRandomSeed(42);
        try (Model network = Model.newInstance("profile", Device.cpu(), engineName)) {
            network.setBlock(Models.byName(model, FashionMnist.CLASSES));
            try (Trainer trainer = network.newTrainer(Models.trainingConfig(Models.optimizer())
                    .addEvaluator(new Accuracy()).addTrainingListeners(TrainingListener.Defaults.basic()))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                ArrayDataset dataset = new ArrayDataset.Builder().setData(split.images()).optLabels(split.labels())
                        .setSampling(batch, true).build();
                PhaseTimes times = PhaseTimes.recorder();
                Loop loop = c.loop().apply(engineName, times);
                pass(trainer, dataset, loop, 1, times); // untimed: warm-up, and a full history
                double[] unprofiled = new double[passes];
                for (int p = 0; p < passes; p++) {
                    unprofiled[p] = pass(trainer, dataset, loop, 2 + p, times);
                }
                times.start();
                double profiled = pass(trainer, dataset, loop, 2 + passes, times);
                times.stop();
                long batches = dataset.size() / batch + (dataset.size() % batch == 0 ? 0 : 1);
                Map<String, Double> phases = new LinkedHashMap<>();
                double phaseSum = 0;
                for (Map.Entry<Phase, double[]> phase : times.millisPerBatch().entrySet()) {
                    // Per data batch: the epoch's flush (pooled loops) is one more entry, spread over the batches.
                    double perBatch = Arrays.stream(phase.getValue()).sum() / batches;
                    phases.put(phase.getKey().name(), perBatch);
                    phaseSum += perBatch;
                }
                phases.put("OTHER", profiled - phaseSum);
                return new CaseResult(c.name(), c.description(), unprofiled, Stats.median(unprofiled), profiled,
                        phases);
            }
        }
    }

    /**
     * One epoch over the dataset, its pooled rows' flush included; returns the milliseconds per batch, measured to
     * the moment the last update is computed. With the recorder on, every batch (and the flush) ends its record.
     */
    private static double pass(Trainer trainer, ArrayDataset dataset, Loop loop, int epoch, PhaseTimes times)
            throws IOException, TranslateException {
        int batches = 0;
        loop.startEpoch(trainer, dataset, epoch);
        long start = System.nanoTime();
        Iterator<Batch> iterator = trainer.iterateDataset(dataset).iterator();
        times.mark();
        while (iterator.hasNext()) {
            try (Batch next = iterator.next()) {
                times.end(Phase.DATA, (NDArray) null);
                loop.train(trainer, next);
                batches++;
            }
            times.endBatch();
            times.mark();
        }
        loop.finishEpoch(trainer);
        PhaseTimes.awaitParameters(trainer);
        times.endBatch(); // the flush: its phases, and the final wait as unattributed time
        return (System.nanoTime() - start) / 1e6 / batches;
    }
}
