package io.github.ast.examples.benchmark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.TrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AstConfig;
import io.github.ast.core.GradientClipping;
import io.github.ast.djl.loss.LogitAdjustedLoss;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.djl.sampling.ClassBalancedSampler;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.Rs2Sampler;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.djl.schedule.TrainingClock;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import io.github.ast.examples.datakinds.Deduplication;
import io.github.ast.selection.reference.IrreducibleLosses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains one arm with one seed until its training clock reaches the budget, and evaluates it on its own clock. Every
 * arm shares the model, the initialisation (the engine seeded with the run's seed), the data order (an
 * {@link Rs2Sampler} seeded with it; RS2 arms walk the same permutation in shorter epochs), the optimiser and the
 * learning-rate schedule, which decays with training time to the budget; what differs is how rows are chosen and
 * trained (the sampler, the step, the loss of {@code +la} arms) and, for early stopping, which model is reported.
 * Every arm but the plain ones (the full-data control and the practitioners' remedies: class-balanced batches,
 * deduplicated data, fine-tuning and early stopping on a clean holdout) trains through AST's {@code fit}, so all of
 * them share its step, its guard and its accounting; the plain ones are plain DJL ({@link PlainTraining}).
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
     * @param dedupThreshold the {@code dedup} arm's similarity threshold, in (0, 1]
     */
    record Setup(String engine, String model, int batchSize, double budgetSeconds, double evaluateEvery,
            BudgetTracker.Shape schedule, float learningRate, double warmup, AstConfig astConfig,
            double dedupThreshold) {

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

    RunRecord run(Arm arm, long seed) throws IOException, TranslateException {
        long wallStart = System.nanoTime();
        if (arm.needsCleanHoldout() && data.holdout() == null) {
            throw new IllegalArgumentException("arm " + arm.label() + " needs a clean holdout: give --clean-holdout n");
        }
        Engine.getEngine(setup.engine()).setRandomSeed((int) seed);
        try (BenchmarkData.Training training = data.trainingFor(seed)) {
            TrainingClock clock = new TrainingClock(time::nanos);
            BudgetTracker rate = new BudgetTracker(clock, setup.budgetSeconds(), setup.learningRate(),
                    setup.warmup(), 0, setup.schedule());
            ResumableAdam adam = ResumableAdam.builder().optLearningRateTracker(rate).build();
            try (Model model = Model.newInstance("bench-" + setup.model(), Device.cpu(), setup.engine())) {
                model.setBlock(Models.byName(setup.model(), FashionMnist.CLASSES));
                TrainingConfig config = arm.logitAdjusted()
                        ? Models.trainingConfig(new LogitAdjustedLoss(training.classCounts(), 1), adam)
                        : Models.trainingConfig(adam);
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(1, 1, 28, 28));
                    return train(arm, seed, training, trainer, clock, rate, wallStart);
                }
            }
        }
    }

    private RunRecord train(Arm arm, long seed, BenchmarkData.Training training, Trainer trainer,
            TrainingClock clock, BudgetTracker rate, long wallStart) throws IOException, TranslateException {
        long orderSeed = Seeds.derive(seed, Seeds.DATA_ORDER);
        InfoBatchSampler.Progress progress = started -> clock.seconds() / setup.budgetSeconds();
        InfoBatchSampler infoBatch = switch (arm.kind()) {
            case INFOBATCH -> new InfoBatchSampler(setup.batchSize(), arm.rate(), INFOBATCH_ANNEAL, progress,
                    orderSeed);
            case CLASS_PRUNE -> InfoBatchSampler.classAware(setup.batchSize(), arm.rate(), INFOBATCH_ANNEAL, progress,
                    orderSeed, training.classes());
            default -> null;
        };
        // Importance sampling draws one batch from each presample of arm.presample() batches.
        int loaded = (int) Math.round(setup.batchSize() * arm.presample());
        Sampler sampler = infoBatch != null ? infoBatch
                : arm.kind() == Arm.Kind.BALANCED ? new ClassBalancedSampler(loaded, training.classes(), orderSeed)
                : new Rs2Sampler(loaded, arm.kind() == Arm.Kind.RS2 ? arm.rate() : 1, false, orderSeed);
        List<String> notes = new ArrayList<>();
        AstArms astArms = new AstArms(setup, data);
        IrreducibleLosses beforehand = null;
        if (arm.reference() == Arm.Reference.CLEAN_HOLDOUT_BEFOREHAND) {
            beforehand = astArms.beforehand(arm, seed, training.split().dataset(setup.batchSize(), false, 0));
            notes.add(String.format(Locale.ROOT, "reference before the clock: %.2f s, %d rows forwarded, %d "
                    + "back-propagated", beforehand.cost().seconds(), beforehand.cost().forwarded(),
                    beforehand.cost().backPropagated()));
        }
        AdaptiveSparseTrainer ast = arm.trainsPlain() ? null
                : astArms.trainer(arm, seed, infoBatch, clock, beforehand);
        EarlyStopping earlyStopping = arm.kind() == Arm.Kind.EARLY_STOP ? new EarlyStopping() : null;
        BudgetObserver budget = new BudgetObserver(trainer, clock, time, setup.evaluateEvery(), setup.budgetSeconds(),
                (scheduled, epoch, batches, forwarded, backpropagated) -> {
                    Evaluation now = evaluate(trainer, scheduled, clock, epoch, batches, forwarded, backpropagated,
                            rate);
                    return earlyStopping == null ? now : earlyStopping.report(now);
                });
        clock.start();
        List<String> decisions = List.of();
        if (ast != null) {
            decisions = ast.fit(trainer, Integer.MAX_VALUE, dataset(training.split(), sampler), null, budget)
                    .decisions();
        } else {
            trainPlain(arm, training, trainer, budget, clock, sampler, orderSeed, notes);
        }
        budget.finish();
        notes.addAll(decisions);
        return new RunRecord(arm.label(), seed, budget.evaluations, budget.epoch, budget.skipped, budget.fallbacks,
                training.flipped(), (System.nanoTime() - wallStart) / 1e9, budget.gateRates, budget.thresholds,
                Machine.PROCESSOR, notes);
    }

    /** The arms of plain DJL steps: full data, class-balanced, deduplicated, fine-tuned, early-stopped. */
    private void trainPlain(Arm arm, BenchmarkData.Training training, Trainer trainer, BudgetObserver budget,
            TrainingClock clock, Sampler sampler, long orderSeed, List<String> notes)
            throws IOException, TranslateException {
        PlainTraining plain = new PlainTraining(trainer, budget,
                GradientClipping.of(setup.astConfig().steps().clipNorm(), trainer));
        switch (arm.kind()) {
            case DEDUP -> {
                double before = clock.seconds();
                int[] kept = new Deduplication(setup.dedupThreshold()).keep(training.split().images(),
                        training.split().labels().toFloatArray(), FashionMnist.CLASSES);
                notes.add(DedupReport.of(kept, Math.toIntExact(training.split().size()), training.sourceOf(),
                        clock.seconds() - before));
                FashionMnist.Split rows = training.split().rows(kept);
                try {
                    plain.train(dataset(rows, sampler));
                } finally {
                    rows.images().close();
                    rows.labels().close();
                }
            }
            case FINE_TUNE -> plain.train(dataset(training.split(), sampler), dataset(data.holdout(),
                    new Rs2Sampler(setup.batchSize(), 1, false, orderSeed)), clock,
                    (1 - arm.rate()) * setup.budgetSeconds());
            default -> plain.train(dataset(training.split(), sampler));
        }
    }

    private static ArrayDataset dataset(FashionMnist.Split split, Sampler sampler) {
        return new ArrayDataset.Builder().setData(split.images()).optLabels(split.labels()).setSampling(sampler)
                .build();
    }

    private Evaluation evaluate(Trainer trainer, double scheduled, TrainingClock clock, int epoch, long batches,
            long forwarded, long backpropagated, BudgetTracker rate) {
        FashionMnist.Scores test = data.test().scores(trainer);
        FashionMnist.Scores validation = data.validation().scores(trainer);
        double holdout = data.holdout() == null ? Double.NaN : data.holdout().scores(trainer).accuracy();
        double seconds = clock.seconds();
        return new Evaluation(scheduled, seconds, epoch, batches, forwarded, backpropagated,
                rate.valueAt(seconds / setup.budgetSeconds()), test.accuracy(), test.loss(), validation.accuracy(),
                validation.loss(), test.worstClass(), test.meanOver(data.tailClasses()), holdout);
    }
}
