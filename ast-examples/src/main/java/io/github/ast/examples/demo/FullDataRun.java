package io.github.ast.examples.demo;

import ai.djl.Model;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import io.github.ast.api.EnergyMeter;
import io.github.ast.core.AstConfig;
import io.github.ast.core.EnergyMeters;
import io.github.ast.examples.Models;
import io.github.ast.examples.benchmark.Stats;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's baseline: plain DJL training on every sample, the loop of {@code EasyTrain.fit}, timed and metered like
 * the AST run, so that the saving AST counts can be checked against measured time and energy.
 *
 * @param medianEpochSeconds the median training seconds of an epoch
 * @param accuracy the final test accuracy
 * @param joules the energy over the training loops, NaN without a meter
 */
record FullDataRun(double medianEpochSeconds, double accuracy, double joules) {

    /**
     * Trains a fresh model on all the data.
     *
     * @param setup the demo's setup
     * @param config the AST run's configuration, for its energy meter
     * @param engineName the engine
     * @param train the training data
     * @param test the test data
     * @return what it measured
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the engine fails
     */
    static FullDataRun train(DemoSetup setup, AstConfig config, String engineName, ArrayDataset train,
            ArrayDataset test) throws IOException, TranslateException {
        Optional<EnergyMeter> meter = EnergyMeters.open(config.plugins().meter(), config.contextFor("meter", Map.of())
                .settings());
        try (Model model = Models.newModel("fashion-" + setup.model(), setup.model(), engineName);
                Trainer trainer = Models.evaluatingTrainer(model, Models.optimizer())) {
            double[] seconds = new double[setup.epochs()];
            float accuracy = Float.NaN;
            double joules = 0;
            for (int epoch = 0; epoch < setup.epochs(); epoch++) {
                double joulesAtStart = meter.map(EnergyMeter::joules).orElse(Double.NaN);
                long start = System.nanoTime();
                for (Batch batch : trainer.iterateDataset(train)) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                    batch.close();
                }
                seconds[epoch] = (System.nanoTime() - start) / 1e9;
                joules += meter.map(m -> m.joules() - joulesAtStart).orElse(Double.NaN);
                EasyTrain.evaluateDataset(trainer, test);
                trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                accuracy = trainer.getTrainingResult().getValidateEvaluation("Accuracy");
                System.out.printf(Locale.ROOT, "   full Epoch %d/%d | Acc: %5.1f%% | %.1fs%n", epoch + 1,
                        setup.epochs(), 100 * accuracy, seconds[epoch]);
            }
            return new FullDataRun(Stats.median(seconds), accuracy, joules);
        } finally {
            meter.ifPresent(EnergyMeter::close);
        }
    }
}
