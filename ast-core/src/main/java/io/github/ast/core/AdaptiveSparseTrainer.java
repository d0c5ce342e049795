package io.github.ast.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.Controller;
import io.github.ast.api.EnergyMeter;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a DJL {@link Trainer} on the samples that still teach the model something, one batch at a time.
 *
 * <p>Per batch: a gradient-free forward pass over the whole batch, per-sample losses, the scorer, the gate at the
 * controller's threshold, a random fallback of {@code minActive} samples when fewer activate, forward and backward on
 * the selected rows only, the optimiser step, the controller update and the energy account. Everything per sample
 * happens on the engine; the host reads three numbers per batch (loss sum, correct count, active count).
 *
 * <p>The entry point mirrors {@code EasyTrain.fit(trainer, epochs, train, validation)}, and the trainer's
 * {@code TrainingListener}s receive the same callbacks as under {@code EasyTrain}: {@code onTrainingBatch} with the
 * scoring pass's predictions for the whole batch, {@code onValidationBatch} and {@code onEpoch}. One instance is
 * one run: the controller and the fallback generator carry state from batch to batch.
 */
public final class AdaptiveSparseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveSparseTrainer.class);

    private final AstConfig config;
    private final Scorer scorer;
    private final Gate gate;
    private final Controller controller;
    private final EnergyAccount energy;
    private final PerSampleLoss perSampleLoss;
    private final Random fallbackRandom;

    /**
     * Creates a trainer from its parts, normally through {@link AstModule}.
     *
     * @param config the configuration (target rate, fallback size, seed, engine)
     * @param scorer the scorer
     * @param gate the gate
     * @param controller the controller
     * @param energy the energy models, primary first
     * @param perSampleLoss the unreduced loss used for scoring
     */
    @Inject
    public AdaptiveSparseTrainer(AstConfig config, Scorer scorer, Gate gate, Controller controller,
            EnergyAccount energy, PerSampleLoss perSampleLoss) {
        this.config = config;
        this.scorer = scorer;
        this.gate = gate;
        this.controller = controller;
        this.energy = energy;
        this.perSampleLoss = perSampleLoss;
        this.fallbackRandom = new Random(config.seed());
    }

    /** Returns the configuration. */
    public AstConfig config() {
        return config;
    }

    /** Returns the scorer. */
    public Scorer scorer() {
        return scorer;
    }

    /** Returns the gate. */
    public Gate gate() {
        return gate;
    }

    /** Returns the controller, for inspecting its state. */
    public Controller controller() {
        return controller;
    }

    /** Returns the primary energy model. */
    public EnergyModel energyModel() {
        return energy.primaryModel();
    }

    /** Returns every energy model the run prices with, primary first. */
    public EnergyAccount energyAccount() {
        return energy;
    }

    /**
     * Trains for a number of epochs, validating after each, like {@code EasyTrain.fit}.
     *
     * @param trainer a DJL trainer whose model is initialised
     * @param epochs number of epochs, >= 1
     * @param trainingSet the training data
     * @param validationSet the validation data, or null
     * @return the report of the run
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be built
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet)
            throws IOException, TranslateException {
        return fit(trainer, epochs, trainingSet, validationSet, TrainingObserver.NONE);
    }

    /**
     * Trains like {@link #fit(Trainer, int, Dataset, Dataset)} and reports every batch and epoch to an observer as
     * they end, for live output and traces.
     *
     * @param trainer a DJL trainer whose model is initialised
     * @param epochs number of epochs, >= 1
     * @param trainingSet the training data
     * @param validationSet the validation data, or null
     * @param observer receives every batch's result and every epoch's figures
     * @return the report of the run
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be built
     */
    public RunReport fit(Trainer trainer, int epochs, Dataset trainingSet, Dataset validationSet,
            TrainingObserver observer) throws IOException, TranslateException {
        if (epochs < 1) {
            throw new ConfigurationException("epochs=" + epochs + " must be >= 1");
        }
        Engine engine = trainer.getManager().getEngine();
        if (!config.engine().isEmpty() && !config.engine().equalsIgnoreCase(engine.getEngineName())) {
            throw new ConfigurationException("ast.engine=" + config.engine() + " but the trainer's model runs on "
                    + engine.getEngineName() + "; create the model with Model.newInstance(name, \"" + config.engine()
                    + "\") or change ast.engine (available engines: " + Engine.getAllEngines() + ")");
        }
        engine.setRandomSeed((int) config.seed());
        List<EpochStats> history = new ArrayList<>();
        Optional<EnergyMeter> meter = EnergyMeters.open(config.meter(), config.contextFor("meter", Map.of())
                .settings());
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                EpochStats stats = runEpoch(trainer, epoch, epochs, trainingSet, validationSet, meter, observer);
                history.add(stats);
                LOG.info(stats.line());
                observer.onEpoch(stats);
                if (!observer.continueTraining(stats)) {
                    break;
                }
            }
        } finally {
            meter.ifPresent(EnergyMeter::close);
        }
        return new RunReport(config, Provenance.of(engine), energy.units(),
                meter.map(EnergyMeter::description).orElse("none"), meter.map(EnergyMeter::isEstimate).orElse(false),
                history);
    }

    private EpochStats runEpoch(Trainer trainer, int epoch, int epochs, Dataset trainingSet, Dataset validationSet,
            Optional<EnergyMeter> meter, TrainingObserver observer) throws IOException, TranslateException {
        long start = System.nanoTime();
        double joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
        long scored = 0;
        long trained = 0;
        long gateActive = 0;
        long correct = 0;
        double lossSum = 0;
        int batches = 0;
        int fallbacks = 0;
        int skipped = 0;
        Map<String, BatchEnergy> energies = new LinkedHashMap<>();
        for (Batch batch : trainer.iterateDataset(trainingSet)) {
            try (batch) {
                BatchResult result = trainBatch(trainer, batch);
                observer.onBatch(epoch, result);
                batches++;
                if (result.skipped()) {
                    skipped++;
                    continue;
                }
                scored += result.batchSize();
                trained += result.trained();
                gateActive += result.gateActive();
                correct += result.correct();
                lossSum += result.lossSum();
                fallbacks += result.fallback() ? 1 : 0;
                energies = EnergyAccount.sum(energies, result.energies());
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double joules = meter.map(m -> m.joules() - joulesAtStart).orElse(Double.NaN);
        long validationStart = System.nanoTime();
        double[] validation = validationSet == null ? new double[] {Double.NaN, Double.NaN}
                : evaluate(trainer, validationSet);
        double validationSeconds = (System.nanoTime() - validationStart) / 1e9;
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        return new EpochStats(epoch, epochs, ratio(lossSum, scored), ratio(correct, scored), validation[0],
                validation[1], ratio(trained, scored), ratio(gateActive, scored), controller.threshold(), energies,
                joules, batches, fallbacks, skipped, trainSeconds, validationSeconds);
    }

    /**
     * Runs one sparse step on a batch and the optimiser step, like {@code EasyTrain.trainBatch} followed by
     * {@code trainer.step()}. Empty batches and batches with non-finite losses are skipped (no step, no controller
     * update) and logged.
     *
     * @param trainer the DJL trainer
     * @param batch the batch; the caller closes it
     * @return what the step did
     */
    public BatchResult trainBatch(Trainer trainer, Batch batch) {
        int size = batch.getSize();
        if (size == 0) {
            LOG.warn("Skipped an empty batch (size 0)");
            return new BatchResult(0, 0, 0, false, true, 0, 0, controller.threshold(), Map.of());
        }
        NDList data = batch.getData();
        if (!energy.isAttached()) {
            energy.attach(trainer.getModel().getBlock(), data.head().getShape().slice(1));
        }
        NDList labels = batch.getLabels();
        NDList predictions = trainer.evaluate(data);
        NDArray losses = perSampleLoss.compute(labels, predictions);
        NDArray significance = scorer.score(new ScoringBatch(data, labels, predictions, losses));
        NDArray mask = gate.select(significance, controller.threshold());

        // The only host round trip of the step: loss sum, correct count and active count in one transfer.
        NDArray correctCount = predictions.head().argMax(1).toType(DataType.INT64, false)
                .eq(labels.head().toType(DataType.INT64, false)).sum();
        float[] counts = NDArrays.stack(new NDList(losses.sum().toType(DataType.FLOAT32, false),
                correctCount.toType(DataType.FLOAT32, false), mask.sum().toType(DataType.FLOAT32, false)))
                .toFloatArray();
        double lossSum = counts[0];
        long correct = Math.round(counts[1]);
        int active = Math.round(counts[2]);
        if (!Double.isFinite(lossSum)) {
            LOG.warn("Skipped a batch of {} samples: the scoring pass produced non-finite losses (sum {})", size,
                    lossSum);
            return new BatchResult(size, 0, 0, false, true, lossSum, correct, controller.threshold(), Map.of());
        }

        boolean fallback = active < Math.min(config.minActive(), size);
        NDArray rows = fallback ? randomRows(batch, size) : mask.nonzero().reshape(-1);
        int trained = fallback ? Math.toIntExact(rows.size()) : active;
        NDList selectedData = selectRows(data, rows);
        NDList selectedLabels = selectRows(labels, rows);
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList trainPredictions = trainer.forward(selectedData, selectedLabels);
            collector.backward(trainer.getLoss().evaluate(selectedLabels, trainPredictions));
        }
        trainer.step();

        double threshold = gate.usesThreshold() ? controller.update((double) active / size) : controller.threshold();
        Map<String, BatchEnergy> energies = energy.price(new BatchWork(size, size, trained));
        Device device = labels.head().getDevice();
        BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
        return new BatchResult(size, active, trained, fallback, false, lossSum, correct, threshold, energies);
    }

    private NDArray randomRows(Batch batch, int size) {
        int count = Math.min(config.minActive(), size);
        long[] rows = fallbackRandom.ints(0, size).distinct().limit(count).asLongStream().sorted().toArray();
        return batch.getManager().create(rows);
    }

    private static NDList selectRows(NDList arrays, NDArray rows) {
        NDList selected = new NDList(arrays.size());
        for (NDArray array : arrays) {
            selected.add(array.get(new NDIndex("{}", rows)));
        }
        return selected;
    }

    /**
     * Evaluates the model on a dataset, firing {@code onValidationBatch} like {@code EasyTrain.validateBatch}.
     *
     * @return mean per-sample loss and accuracy
     */
    private double[] evaluate(Trainer trainer, Dataset dataset) throws IOException, TranslateException {
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(dataset)) {
            try (batch) {
                NDList labels = batch.getLabels();
                NDList predictions = trainer.evaluate(batch.getData());
                NDArray correctCount = predictions.head().argMax(1).toType(DataType.INT64, false)
                        .eq(labels.head().toType(DataType.INT64, false)).sum();
                float[] counts = NDArrays.stack(new NDList(
                        perSampleLoss.compute(labels, predictions).sum().toType(DataType.FLOAT32, false),
                        correctCount.toType(DataType.FLOAT32, false))).toFloatArray();
                lossSum += counts[0];
                correct += Math.round(counts[1]);
                total += batch.getSize();
                Device device = labels.head().getDevice();
                BatchData batchData = new BatchData(batch, Map.of(device, labels), Map.of(device, predictions));
                trainer.notifyListeners(listener -> listener.onValidationBatch(trainer, batchData));
            }
        }
        return new double[] {ratio(lossSum, total), ratio(correct, total)};
    }

    private static double ratio(double numerator, long denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
