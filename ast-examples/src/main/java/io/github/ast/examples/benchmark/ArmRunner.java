package io.github.ast.examples.benchmark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.AdjustableBatchSize;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.TrainingProgress;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.BatchResult;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.SelectionConfig;
import io.github.ast.core.sampling.WeightedTraining;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.Rs2Sampler;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.djl.schedule.TrainingClock;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import io.github.ast.selection.reference.ReferenceTraining;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one arm with one seed until its training clock reaches the budget, and evaluates it on its own clock. Every
 * arm shares the model, the initialisation (the engine seeded with the run's seed), the data order (an
 * {@link Rs2Sampler} seeded with it; RS2 arms walk the same permutation in shorter epochs), the optimiser and the
 * learning-rate schedule, which decays with training time to the budget; what differs is only how a batch trains.
 */
final class ArmRunner {

    /**
     * What every run shares.
     *
     * @param engine engine name
     * @param model "mlp", "cnn" or "cnn-gap"
     * @param batchSize rows per batch
     * @param budgetSeconds training seconds per run
     * @param evaluateEvery training seconds between evaluations
     * @param schedule the learning-rate schedule's shape
     * @param learningRate Adam's base learning rate
     * @param warmup fraction of the budget the rate warms up over
     * @param astConfig the base configuration of AST arms
     */
    record Setup(String engine, String model, int batchSize, double budgetSeconds, double evaluateEvery,
            BudgetTracker.Shape schedule, float learningRate, double warmup, AstConfig astConfig) {

        Setup {
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch " + batchSize + " must be >= 1");
            }
            if (!(budgetSeconds > 0) || Double.isInfinite(budgetSeconds)) {
                throw new IllegalArgumentException("--budget " + budgetSeconds + " must be finite and > 0 seconds");
            }
            if (!(evaluateEvery > 0)) {
                throw new IllegalArgumentException("--eval-every " + evaluateEvery + " must be > 0 seconds");
            }
        }
    }

    /** InfoBatch's default: the last 12.5% of training on all data. */
    private static final double INFOBATCH_ANNEAL = 0.125;

    private final Setup setup;
    private final BenchmarkData data;
    private final TimeSource time;

    ArmRunner(Setup setup, BenchmarkData data) {
        this(setup, data, TimeSource.SYSTEM);
    }

    /**
     * A runner on another time source: {@code scripts/same-as-commit.sh} runs arms on one that advances a fixed step
     * per batch, so that the learning rate and the evaluations no longer depend on how fast the machine is.
     */
    ArmRunner(Setup setup, BenchmarkData data, TimeSource time) {
        this.setup = setup;
        this.data = data;
        this.time = time;
    }

    /** Where the runs' training clocks read the time; told when each batch has trained. */
    interface TimeSource {
        /** The machine's monotonic clock. */
        TimeSource SYSTEM = System::nanoTime;

        /** {@return monotonic nanoseconds} */
        long nanos();

        /** Called once after each batch trained, before the clock is read for the schedule. */
        default void afterBatch() {}
    }

    /** How one batch trains: the optimiser step included. */
    private interface Step {
        Counts train(Trainer trainer, Batch batch);

        /**
         * Starts an epoch (AST arms: fresh or stale scores); returns what a policy's preparation cost on the first
         * (RHO-LOSS's reference model: on the clock, its rows counted), or null.
         */
        default Counts startEpoch(Trainer trainer, Dataset train, int epoch) throws IOException, TranslateException {
            return null;
        }

        /** Ends an epoch that ran to its end (AST arms: trains the rows still queued); null when nothing ran. */
        default Counts finishEpoch(Trainer trainer) {
            return null;
        }
    }

    /** What a step did; {@code gateRate} and {@code threshold} are NaN outside AST arms. */
    private record Counts(int forwarded, int backpropagated, boolean skipped, boolean fallback, float gateRate,
            float threshold) {

        static Counts plain(int rows) {
            return new Counts(rows, rows, false, false, Float.NaN, Float.NaN);
        }
    }

    RunRecord run(Arm arm, long seed) throws IOException, TranslateException {
        long wallStart = System.nanoTime();
        Engine.getEngine(setup.engine()).setRandomSeed((int) seed);
        BenchmarkData.Training training = data.trainingFor(seed);
        TrainingClock clock = new TrainingClock(time::nanos);
        BudgetTracker rate = new BudgetTracker(clock, setup.budgetSeconds(), setup.learningRate(), setup.warmup(), 0,
                setup.schedule());
        ResumableAdam adam = ResumableAdam.builder().optLearningRateTracker(rate).build();
        try (Model model = Model.newInstance("bench-" + setup.model(), Device.cpu(), setup.engine())) {
            model.setBlock(Models.byName(setup.model(), FashionMnist.CLASSES));
            try (Trainer trainer = model.newTrainer(Models.trainingConfig(adam))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                long orderSeed = Seeds.derive(seed, Seeds.DATA_ORDER);
                InfoBatchSampler infoBatch = arm.kind() == Arm.Kind.INFOBATCH
                        ? new InfoBatchSampler(setup.batchSize(), arm.rate(), INFOBATCH_ANNEAL,
                                started -> clock.seconds() / setup.budgetSeconds(), orderSeed)
                        : null;
                // Importance sampling draws one batch from each presample of arm.presample() batches.
                int loaded = (int) Math.round(setup.batchSize() * arm.presample());
                Rs2Sampler rs2 = infoBatch != null ? null
                        : new Rs2Sampler(loaded, arm.kind() == Arm.Kind.RS2 ? arm.rate() : 1, false, orderSeed);
                ArrayDataset train = new ArrayDataset.Builder().setData(training.split().images())
                        .optLabels(training.split().labels())
                        .setSampling(infoBatch != null ? infoBatch : rs2)
                        .build();
                Step step = stepFor(arm, seed, infoBatch, clock, arm.resizable() ? rs2 : null);
                return train(arm, seed, trainer, train, step, clock, rate, training.flipped(), wallStart);
            }
        } finally {
            if (training.split() != data.train()) {
                training.split().labels().close();
            }
        }
    }

    private RunRecord train(Arm arm, long seed, Trainer trainer, Dataset train, Step step, TrainingClock clock,
            BudgetTracker rate, int flipped, long wallStart) throws IOException, TranslateException {
        List<Evaluation> evaluations = new ArrayList<>();
        List<Float> gateRates = new ArrayList<>();
        List<Float> thresholds = new ArrayList<>();
        long batches = 0;
        long forwarded = 0;
        long backpropagated = 0;
        long skipped = 0;
        long fallbacks = 0;
        int epoch = 0;
        double budget = setup.budgetSeconds();
        EvaluationSchedule schedule = new EvaluationSchedule(setup.evaluateEvery(), budget);
        evaluations.add(evaluate(trainer, 0, clock, 0, 0, 0, 0, rate));
        clock.start();
        training:
        while (true) {
            epoch++;
            long batchesAtEpochStart = batches;
            Counts prepared = step.startEpoch(trainer, train, epoch);
            if (prepared != null) {
                forwarded += prepared.forwarded();
                backpropagated += prepared.backpropagated();
            }
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    Counts counts = step.train(trainer, batch);
                    waitForStep(trainer);
                    time.afterBatch();
                    batches++;
                    forwarded += counts.forwarded();
                    backpropagated += counts.backpropagated();
                    skipped += counts.skipped() ? 1 : 0;
                    fallbacks += counts.fallback() ? 1 : 0;
                    if (!Float.isNaN(counts.threshold())) {
                        gateRates.add(counts.gateRate());
                        thresholds.add(counts.threshold());
                    }
                }
                double now = clock.seconds();
                if (schedule.isOver(now)) {
                    break training;
                }
                double label = schedule.due(now);
                if (!Double.isNaN(label)) {
                    clock.pause();
                    evaluations.add(evaluate(trainer, label, clock, epoch, batches, forwarded, backpropagated,
                            rate));
                    clock.start();
                }
            }
            if (batches == batchesAtEpochStart) {
                throw new IllegalArgumentException("arm " + arm.label() + ": an epoch yielded no batch; the training "
                        + "set is empty");
            }
            Counts last = step.finishEpoch(trainer);
            if (last != null) {
                waitForStep(trainer);
                forwarded += last.forwarded();
                backpropagated += last.backpropagated();
                skipped += last.skipped() ? 1 : 0;
            }
        }
        clock.pause();
        evaluations.add(evaluate(trainer, budget, clock, epoch, batches, forwarded, backpropagated, rate));
        return new RunRecord(arm.label(), seed, evaluations, epoch, skipped, fallbacks, flipped,
                (System.nanoTime() - wallStart) / 1e9, gateRates, thresholds, BenchmarkCommand.PROCESSOR);
    }

    /** How an arm trains a batch; {@code resizable} is the sampler AST may resize, or null. */
    private Step stepFor(Arm arm, long seed, InfoBatchSampler infoBatch, TrainingClock clock,
            AdjustableBatchSize resizable) {
        return switch (arm.kind()) {
            case INFOBATCH -> {
                PerSampleLoss loss = PerSampleLoss.softmaxCrossEntropy();
                java.util.Random ablation = new java.util.Random(seed);
                yield (trainer, batch) -> {
                    WeightedTraining.Step result = WeightedTraining.trainBatch(trainer, batch, infoBatch, loss);
                    if (!result.skipped()) {
                        trainer.step();
                        if (arm.randomScores()) {
                            float[] noise = new float[batch.getSize()];
                            for (int i = 0; i < noise.length; i++) {
                                noise[i] = ablation.nextFloat();
                            }
                            infoBatch.record(batch.getIndices(), noise);
                        }
                    }
                    int rows = batch.getSize();
                    return new Counts(rows, result.skipped() ? 0 : rows, result.skipped(), false, Float.NaN,
                            Float.NaN);
                };
            }
            case FULL, RS2 -> (trainer, batch) -> {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
                return Counts.plain(batch.getSize());
            };
            case RANDOM_BATCH -> (trainer, batch) -> {
                int kept = trainRandomRows(trainer, batch, arm.rate());
                trainer.step();
                return Counts.plain(kept);
            };
            case AST -> {
                AstConfig.Builder builder = arm.configure().apply(setup.astConfig().toBuilder()
                        .engine(setup.engine()).seed(seed));
                AstConfig asked = builder.build();
                // Pooled arms train steps of the benchmark's batch size.
                AstConfig config = asked.backwardBatch() > 0 ? builder.backwardBatch(setup.batchSize()).build()
                        : asked;
                requireBatchLevel(arm, config);
                // RHO-LOSS's reference: the arm's own network, 2 epochs (or the arm's ast.policy.referenceEpochs) on
                // each of two disjoint 10% of the data.
                // auto's progress: the share of the budget trained.
                AdaptiveSparseTraining.Builder wiring = AdaptiveSparseTraining.builder(config)
                        .service(ReferenceTraining.class, ReferenceTraining.builder(() -> Models.byName(setup.model(),
                                FashionMnist.CLASSES), new Shape(1, 1, 28, 28))
                                .seed(Seeds.derive(seed, Seeds.DATA_ORDER)).build())
                        .service(TrainingProgress.class, () -> Math.min(1, clock.seconds() / setup.budgetSeconds()))
                        .service(TrainingClock.class, clock);
                if (resizable != null) {
                    wiring.service(AdjustableBatchSize.class, resizable);
                }
                AdaptiveSparseTrainer ast = wiring.build();
                yield new Step() {
                    @Override
                    public Counts train(Trainer trainer, Batch batch) {
                        BatchResult result = ast.trainBatch(trainer, batch);
                        return new Counts(result.forwarded(), result.backPropagated(), result.skipped(),
                                result.fallback(), (float) result.gateActive() / Math.max(1, result.batchSize()),
                                (float) result.threshold());
                    }

                    @Override
                    public Counts startEpoch(Trainer trainer, Dataset train, int epoch) throws IOException,
                            TranslateException {
                        PreparationWork work = ast.startEpoch(trainer, train, epoch);
                        return work.equals(PreparationWork.NONE) ? null
                                : new Counts(Math.toIntExact(work.forwarded()), Math.toIntExact(work.backPropagated()),
                                        false, false, Float.NaN, Float.NaN);
                    }

                    @Override
                    public Counts finishEpoch(Trainer trainer) {
                        BatchResult result = ast.finishEpoch(trainer);
                        return result == null ? null : new Counts(result.forwarded(), result.backPropagated(),
                                result.skipped(), false, Float.NaN, Float.NaN);
                    }
                };
            }
        };
    }

    /**
     * The benchmark drives AST batch by batch ({@code trainBatch}) under its own clock; settings that only
     * {@code fit}'s epoch loop applies would be recorded but silently not take effect, so they are refused.
     */
    private static void requireBatchLevel(Arm arm, AstConfig config) {
        SelectionConfig selection = config.selection();
        if (selection.warmupEpochs() != 0 || selection.annealEpochs() != 0
                || !Double.isNaN(selection.targetStart())) {
            throw new IllegalArgumentException("arm " + arm.label() + ": ast.warmupEpochs, ast.annealEpochs and "
                    + "ast.targetStart act in AdaptiveSparseTrainer.fit's epoch loop, which the benchmark does not "
                    + "use (it trains batch by batch under its own clock); got warmupEpochs="
                    + selection.warmupEpochs() + ", annealEpochs=" + selection.annealEpochs() + ", targetStart="
                    + selection.targetStart());
        }
    }

    /**
     * Waits until the step's updates are computed, on every arm alike: engines that run asynchronously (MXNet) would
     * otherwise let queued work finish after the clock was read, or during a paused evaluation, uncounted. One host
     * read of the parameters' sum ({@link PhaseTimes#awaitParameters}).
     */
    private static void waitForStep(Trainer trainer) {
        PhaseTimes.awaitParameters(trainer);
    }

    /** Trains on {@code round(rate * batch)} uniformly random rows, chosen on the engine, with no scoring pass. */
    private static int trainRandomRows(Trainer trainer, Batch batch, double rate) {
        int size = batch.getSize();
        int keep = (int) Math.max(1, Math.min(size, Math.round(rate * size)));
        NDArray rows = batch.getManager().randomUniform(0f, 1f, new Shape(size)).argSort().get("0:" + keep);
        NDList data = new NDList(batch.getData().head().get(new NDIndex("{}", rows)));
        NDList labels = new NDList(batch.getLabels().head().get(new NDIndex("{}", rows)));
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(data, labels);
            collector.backward(trainer.getLoss().evaluate(labels, predictions));
        }
        return keep;
    }

    private Evaluation evaluate(Trainer trainer, double scheduled, TrainingClock clock, int epoch, long batches,
            long forwarded, long backpropagated, BudgetTracker rate) {
        double[] test = data.test().accuracyAndLoss(trainer);
        double[] validation = data.validation().accuracyAndLoss(trainer);
        double seconds = clock.seconds();
        return new Evaluation(scheduled, seconds, epoch, batches, forwarded, backpropagated,
                rate.valueAt(seconds / setup.budgetSeconds()), test[0], test[1], validation[0], validation[1]);
    }
}
