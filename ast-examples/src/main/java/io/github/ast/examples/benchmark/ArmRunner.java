package io.github.ast.examples.benchmark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.TrainingProgress;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.GradientClipping;
import io.github.ast.core.HeldOutSet;
import io.github.ast.core.SelectionConfig;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.Rs2Sampler;
import io.github.ast.djl.sampling.SampleWeights;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.djl.schedule.TrainingClock;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import io.github.ast.selection.reference.ReferenceTraining;
import java.io.IOException;
import java.util.List;

/**
 * Trains one arm with one seed until its training clock reaches the budget, and evaluates it on its own clock. Every
 * arm shares the model, the initialisation (the engine seeded with the run's seed), the data order (an
 * {@link Rs2Sampler} seeded with it; RS2 arms walk the same permutation in shorter epochs), the optimiser and the
 * learning-rate schedule, which decays with training time to the budget; what differs is only how a batch trains.
 * Every arm but the full-data control trains through AST's {@code fit}, so all of them share its step, its guard
 * and its accounting; the control is plain DJL.
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
                AdaptiveSparseTrainer ast = arm.kind() == Arm.Kind.FULL ? null
                        : astFor(arm, seed, infoBatch, clock);
                BudgetObserver budget = new BudgetObserver(trainer, clock, time, setup.evaluateEvery(),
                        setup.budgetSeconds(), (scheduled, epoch, batches, forwarded, backpropagated) ->
                                evaluate(trainer, scheduled, clock, epoch, batches, forwarded, backpropagated, rate));
                clock.start();
                List<String> decisions = List.of();
                if (ast == null) {
                    trainPlain(trainer, train, budget,
                            GradientClipping.of(setup.astConfig().steps().clipNorm(), trainer));
                } else {
                    decisions = ast.fit(trainer, Integer.MAX_VALUE, train, null, budget).decisions();
                }
                budget.finish();
                return new RunRecord(arm.label(), seed, budget.evaluations, budget.epoch, budget.skipped,
                        budget.fallbacks, training.flipped(), (System.nanoTime() - wallStart) / 1e9, budget.gateRates,
                        budget.thresholds, Machine.PROCESSOR, decisions);
            }
        } finally {
            if (training.split() != data.train()) {
                training.split().labels().close();
            }
        }
    }

    /**
     * The full-data control: plain DJL, {@code EasyTrain.trainBatch} and the optimiser step on every batch, with
     * the gradients clipped between them when the base configuration asks for it.
     */
    private static void trainPlain(Trainer trainer, Dataset train, BudgetObserver budget, GradientClipping clipping)
            throws IOException, TranslateException {
        for (int epoch = 1; ; epoch++) {
            long before = budget.batches;
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    EasyTrain.trainBatch(trainer, batch);
                    if (clipping != null) {
                        clipping.clip(trainer);
                    }
                    trainer.step();
                    budget.trainedPlain(epoch, batch.getSize());
                }
                if (!budget.continueTraining()) {
                    return;
                }
            }
            if (budget.batches == before) {
                throw new IllegalArgumentException("an epoch yielded no batch; the training set is empty");
            }
        }
    }

    /**
     * The AST trainer of an arm: its own configuration, or for the controls the sampler's choice trained whole
     * ({@code all}: RS2, InfoBatch with its weights) or a uniform share of each batch ({@code uniform}). Randomness
     * runs on from the seed ({@code ast.reseedEvery=0}), as the benchmark's runs always have.
     */
    private AdaptiveSparseTrainer astFor(Arm arm, long seed, InfoBatchSampler infoBatch, TrainingClock clock) {
        AstConfigBuilder base = setup.astConfig().toBuilder().engine(setup.engine()).seed(seed).reseedEvery(0);
        AstConfigBuilder builder = switch (arm.kind()) {
            case RS2, INFOBATCH -> base.policy("all");
            case RANDOM_BATCH -> base.policy("uniform").targetRate(arm.rate());
            case AST -> arm.configure().apply(base);
            case FULL -> throw new IllegalArgumentException("the full arm trains with plain DJL");
        };
        AstConfig asked = builder.build();
        // Pooled arms train steps of the benchmark's batch size.
        AstConfig config = asked.steps().backwardBatch() > 0 ? builder.backwardBatch(setup.batchSize()).build()
                : asked;
        requireBatchLevel(arm, config);
        // RHO-LOSS's reference: the arm's own network, 2 epochs (or the arm's ast.policy.referenceEpochs) on each of
        // two disjoint 10% of the data. auto's progress: the share of the budget trained; its held-out rows: the
        // first of the validation split, which no arm trains on.
        AdaptiveSparseTraining.Builder wiring = AdaptiveSparseTraining.builder(config)
                .service(ReferenceTraining.class, ReferenceTraining.builder(() -> Models.byName(setup.model(),
                        FashionMnist.CLASSES), new Shape(1, 1, 28, 28))
                        .seed(Seeds.derive(seed, Seeds.DATA_ORDER)).build())
                .service(TrainingProgress.class, () -> Math.min(1, clock.seconds() / setup.budgetSeconds()))
                .service(TrainingClock.class, clock)
                .service(HeldOutSet.class, new HeldOutSet(data.validation().dataset(setup.batchSize(), false, 0)));
        if (infoBatch != null) {
            wiring.sampleWeights(arm.randomScores() ? new RandomScores(infoBatch, seed) : infoBatch);
        }
        return wiring.build();
    }

    /** InfoBatch's ablation: its sampler records uniform random numbers instead of the trained rows' losses. */
    private record RandomScores(InfoBatchSampler sampler, java.util.Random random) implements SampleWeights {

        RandomScores(InfoBatchSampler sampler, long seed) {
            this(sampler, new java.util.Random(seed));
        }

        @Override
        public float[] weights(List<?> indices) {
            return sampler.weights(indices);
        }

        @Override
        public int record(List<?> indices, float[] losses) {
            float[] noise = new float[losses.length];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = random.nextFloat();
            }
            return sampler.record(indices, noise);
        }
    }

    /**
     * The benchmark's runs end on a clock, not after a number of epochs ({@code fit} runs for as many as the budget
     * allows); settings that count epochs to the end could not take effect as configured, so they are refused.
     */
    private static void requireBatchLevel(Arm arm, AstConfig config) {
        SelectionConfig selection = config.selection();
        if (selection.warmupEpochs() != 0 || selection.annealEpochs() != 0
                || !Double.isNaN(selection.targetStart())) {
            throw new IllegalArgumentException("arm " + arm.label() + ": ast.warmupEpochs, ast.annealEpochs and "
                    + "ast.targetStart count epochs, but the benchmark's runs end when their clock reaches the budget, "
                    + "after however many epochs fit in it; got warmupEpochs="
                    + selection.warmupEpochs() + ", annealEpochs=" + selection.annealEpochs() + ", targetStart="
                    + selection.targetStart());
        }
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
