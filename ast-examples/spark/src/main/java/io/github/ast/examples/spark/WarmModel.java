package io.github.ast.examples.spark;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The model both commands score with, as options: an engine, a network, and some batches of plain training on all
 * data first, so that its scores mean something.
 */
final class WarmModel {

    @Option(names = "--engine", defaultValue = "PyTorch", description = "PyTorch or MXNet (default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = "mlp, cnn or cnn-gap (default ${DEFAULT-VALUE})")
    String network;

    @Option(names = "--warm-batches", defaultValue = "200",
            description = "batches of 128 trained on all data before scoring (default ${DEFAULT-VALUE})")
    int warmBatches;

    /**
     * Trains a new model for the configured batches.
     *
     * @param train the training split
     * @return the model, to close
     */
    Model train(FashionMnist.Split train) throws IOException, TranslateException {
        if (warmBatches < 1) {
            throw new IllegalArgumentException("--warm-batches " + warmBatches + " must be >= 1");
        }
        Engine.getEngine(engine).setRandomSeed(42);
        Model model = Model.newInstance("ast-spark-example", engine);
        model.setBlock(factory().newBlock(model, null, Map.of()));
        try (Trainer trainer = model.newTrainer(Models.trainingConfig(Models.optimizer()))) {
            trainer.initialize(new Shape(1).addAll(SparkExample.SAMPLE));
            int done = 0;
            while (done < warmBatches) {
                for (Batch batch : trainer.iterateDataset(train.dataset(128, true, 0))) {
                    try (batch) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                    }
                    if (++done == warmBatches) {
                        break;
                    }
                }
            }
        }
        return model;
    }

    /** {@return the factory that builds the network on executors} */
    NetworkFactory factory() {
        return new NetworkFactory(network);
    }
}
