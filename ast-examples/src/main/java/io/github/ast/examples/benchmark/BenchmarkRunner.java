package io.github.ast.examples.benchmark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.EnergyModel;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.BatchResult;
import io.github.ast.core.EnergyMeters;
import io.github.ast.core.EpochStats;
import io.github.ast.core.SelectionConfig;
import io.github.ast.core.TrainingObserver;
import io.github.ast.energy.FlopEnergyModel;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains one method with one seed under a budget (epochs, and optionally training seconds) and records the figures
 * every method is compared on. All methods share the model, initialisation, data order, optimiser and evaluation.
 */
final class BenchmarkRunner {

    private final String engine;
    private final String modelName;
    private final Dataset train;
    private final Dataset test;
    private final AstConfig baseConfig;
    private final int maxEpochs;
    private final double budgetSeconds;

    /**
     * Creates a runner.
     *
     * @param engine engine name
     * @param modelName "mlp" or "cnn"
     * @param train training set
     * @param test test set
     * @param baseConfig AST configuration shared by the AST methods (target rate, controller ...)
     * @param maxEpochs epochs per run at most
     * @param budgetSeconds training seconds per run at most (infinite for none); checked after each epoch
     */
    BenchmarkRunner(String engine, String modelName, Dataset train, Dataset test, AstConfig baseConfig,
            int maxEpochs, double budgetSeconds) {
        this.engine = engine;
        this.modelName = modelName;
        this.train = train;
        this.test = test;
        this.baseConfig = baseConfig;
        this.maxEpochs = maxEpochs;
        this.budgetSeconds = budgetSeconds;
    }

    RunResult run(Method method, long seed) throws IOException, TranslateException {
        Engine.getEngine(engine).setRandomSeed((int) seed);
        try (Model model = Model.newInstance("bench-" + modelName, Device.cpu(), engine)) {
            model.setBlock(Models.byName(modelName, FashionMnist.CLASSES));
            try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                return switch (method) {
                    case FULL, RANDOM -> plainRun(method, seed, trainer);
                    case TOP_K, AST, HISTORY, AST_ALL -> astRun(method, seed, trainer);
                };
            }
        }
    }

    /**
     * Times one gradient-free forward pass over the training set with a fresh model: the cost of fresh scoring, the
     * {@code f} of the speed-up bound {@code 1 / (f + r)}.
     *
     * @param seed initialisation and shuffling seed
     * @return seconds
     */
    double scoringPassSeconds(long seed) throws IOException, TranslateException {
        Engine.getEngine(engine).setRandomSeed((int) seed);
        try (Model model = Model.newInstance("bench-" + modelName, Device.cpu(), engine)) {
            model.setBlock(Models.byName(modelName, FashionMnist.CLASSES));
            try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                long start = System.nanoTime();
                for (Batch batch : trainer.iterateDataset(train)) {
                    try (batch) {
                        trainer.evaluate(batch.getData()).head().toType(DataType.FLOAT32, false).sum().getFloat();
                    }
                }
                return (System.nanoTime() - start) / 1e9;
            }
        }
    }

    private AstConfig configFor(Method method, long seed) {
        AstConfig.Builder b = baseConfig.toBuilder().engine(engine).seed(seed);
        return switch (method) {
            case TOP_K -> b.gate("top-k").build();
            case AST -> b.build();
            case HISTORY -> b.selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.02, false, 1, 0)).build();
            case AST_ALL -> b.gate("threshold").targetRate(1.0).initialThreshold(0).build();
            default -> throw new IllegalArgumentException(method + " is not an AST method");
        };
    }

    private RunResult astRun(Method method, long seed, Trainer trainer) throws IOException, TranslateException {
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(configFor(method, seed));
        List<EpochPoint> points = new ArrayList<>();
        List<Double> gateRates = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        long[] backprop = {0};
        ast.fit(trainer, maxEpochs, train, test, new TrainingObserver() {
            private double seconds;
            private double gflop;
            private double joules;

            @Override
            public void onBatch(int epoch, BatchResult result) {
                backprop[0] += result.trained();
                if (!result.skipped()) {
                    gateRates.add((double) result.gateActive() / result.batchSize());
                    thresholds.add(result.threshold());
                }
            }

            @Override
            public void onEpoch(EpochStats stats) {
                seconds += stats.trainSeconds();
                BatchEnergy flops = stats.energies().get("flops");
                gflop += flops == null ? Double.NaN : flops.spent();
                joules += stats.measuredJoules();
                points.add(new EpochPoint(stats.epoch(), stats.trainSeconds(), seconds, stats.validationAccuracy(),
                        stats.activationRate(), backprop[0], gflop, joules));
            }

            @Override
            public boolean continueTraining(EpochStats stats) {
                return seconds < budgetSeconds;
            }
        });
        return new RunResult(method, seed, points, gateRates, thresholds);
    }

    private RunResult plainRun(Method method, long seed, Trainer trainer) throws IOException, TranslateException {
        EnergyModel flops = null;
        double rate = baseConfig.targetRate();
        List<EpochPoint> points = new ArrayList<>();
        double seconds = 0;
        double gflop = 0;
        double joules = 0;
        long backprop = 0;
        Optional<EnergyMeter> meter = EnergyMeters.open(baseConfig.meter(), baseConfig.contextFor("meter",
                java.util.Map.of()).settings());
        try {
            for (int epoch = 1; epoch <= maxEpochs && seconds < budgetSeconds; epoch++) {
                long epochBackprop = 0;
                long epochSeen = 0;
                double joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
                long start = System.nanoTime();
                for (Batch batch : trainer.iterateDataset(train)) {
                    try (batch) {
                        if (flops == null) {
                            flops = new FlopEnergyModel(FlopEnergyModel.DEFAULT_BACKWARD_FACTOR)
                                    .attach(trainer.getModel().getBlock(), batch.getData().head().getShape().slice(1));
                        }
                        int size = batch.getSize();
                        int trained;
                        if (method == Method.FULL) {
                            EasyTrain.trainBatch(trainer, batch);
                            trained = size;
                        } else {
                            trained = trainRandomSubset(trainer, batch, rate);
                        }
                        trainer.step();
                        epochBackprop += trained;
                        epochSeen += size;
                        gflop += flops.price(new BatchWork(size, 0, trained)).spent();
                    }
                }
                double epochSeconds = (System.nanoTime() - start) / 1e9;
                joules += meter.map(m -> m.joules() - joulesAtStart).orElse(Double.NaN);
                seconds += epochSeconds;
                backprop += epochBackprop;
                points.add(new EpochPoint(epoch, epochSeconds, seconds, accuracy(trainer),
                        (double) epochBackprop / epochSeen, backprop, gflop, joules));
            }
        } finally {
            meter.ifPresent(EnergyMeter::close);
        }
        return new RunResult(method, seed, points, List.of(), List.of());
    }

    /** Trains on round(rate * batch) uniformly random rows, chosen on the engine, with no scoring pass. */
    private static int trainRandomSubset(Trainer trainer, Batch batch, double rate) {
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

    private double accuracy(Trainer trainer) throws IOException, TranslateException {
        long correct = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(test)) {
            try (batch) {
                NDArray predicted = trainer.evaluate(batch.getData()).head().argMax(1).toType(DataType.INT64, false);
                correct += predicted.eq(batch.getLabels().head().toType(DataType.INT64, false)).sum()
                        .toType(DataType.INT64, false).getLong();
                total += batch.getSize();
            }
        }
        return (double) correct / total;
    }
}
