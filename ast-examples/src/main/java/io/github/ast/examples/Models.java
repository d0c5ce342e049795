package io.github.ast.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.djl.optim.ResumableAdam;

/**
 * The two example networks for 28x28 grey images, both taking input of shape (batch, 1, 28, 28), and the training
 * setup the demo and the benchmark share, so that every method they compare trains the same way.
 */
public final class Models {

    private Models() {}

    /** The networks {@link #byName} knows, for messages and options' help. */
    public static final String NAMES = "mlp, cnn or cnn-gap";

    /** The side of the examples' square images, in pixels. */
    public static final int IMAGE_SIDE = 28;

    /** The shape a trainer is initialised with: one grey image. */
    public static final Shape INPUT = new Shape(1, 1, IMAGE_SIDE, IMAGE_SIDE);

    /**
     * Returns the smallest image side a network accepts, as scoring at reduced resolution needs to know.
     *
     * @param name a network's name
     * @return 4 for cnn-gap (its two 2 x 2 poolings must leave a pixel); {@link #IMAGE_SIDE} for the others, which
     *     end in a classifier of fixed input size
     */
    public static int smallestSide(String name) {
        return name.equals("cnn-gap") ? 4 : IMAGE_SIDE;
    }

    /**
     * Returns whether a network accepts images smaller than 28 x 28.
     *
     * @param name a network's name
     * @return true for cnn-gap only
     */
    public static boolean acceptsSmallerImages(String name) {
        return smallestSide(name) < IMAGE_SIDE;
    }

    /**
     * Returns the examples' optimiser: Adam with a fixed learning rate of 1e-3, as {@link ResumableAdam} (DJL's Adam
     * bit for bit) so that checkpoints can carry its state.
     *
     * @return a new optimiser, one per trainer
     */
    public static ResumableAdam optimizer() {
        return ResumableAdam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
    }

    /**
     * Returns the examples' training setup: softmax cross-entropy, the given optimiser, the CPU.
     *
     * @param optimizer normally {@link #optimizer()}
     * @return a new configuration, to which callers may add evaluators and listeners
     */
    public static DefaultTrainingConfig trainingConfig(Optimizer optimizer) {
        return trainingConfig(Loss.softmaxCrossEntropyLoss(), optimizer);
    }

    /**
     * Returns the examples' training setup with another loss (a logit-adjusted one, say).
     *
     * @param loss the training loss
     * @param optimizer normally {@link #optimizer()}
     * @return a new configuration, to which callers may add evaluators and listeners
     */
    public static DefaultTrainingConfig trainingConfig(Loss loss, Optimizer optimizer) {
        return new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()});
    }

    /**
     * Returns a model on the CPU holding a new network of {@link #byName}, for {@link FashionMnist#CLASSES}.
     *
     * @param modelName the model's name
     * @param network "mlp", "cnn" or "cnn-gap"
     * @param engine the engine's name
     * @return the model, its parameters not yet initialised
     */
    public static Model newModel(String modelName, String network, String engine) {
        Model model = Model.newInstance(modelName, Device.cpu(), engine);
        model.setBlock(byName(network, FashionMnist.CLASSES));
        return model;
    }

    /**
     * Returns a trainer of the examples' {@link #trainingConfig} that also measures accuracy and keeps DJL's basic
     * listeners (the demo's and the profile's loops, unlike the benchmark's, report through them), initialised for
     * {@link #INPUT}.
     *
     * @param model the model to train
     * @param optimizer normally {@link #optimizer()}
     * @return the trainer, its parameters initialised
     */
    public static Trainer evaluatingTrainer(Model model, Optimizer optimizer) {
        Trainer trainer = model.newTrainer(trainingConfig(optimizer).addEvaluator(new Accuracy())
                .addTrainingListeners(TrainingListener.Defaults.basic()));
        trainer.initialize(INPUT);
        return trainer;
    }

    /**
     * Returns a network by name.
     *
     * @param name "mlp", "cnn" or "cnn-gap"
     * @param classes number of classes
     * @return the block
     * @throws IllegalArgumentException for another name
     */
    public static Block byName(String name, int classes) {
        return switch (name) {
            case "mlp" -> mlp(classes);
            case "cnn" -> cnn(classes);
            case "cnn-gap" -> cnnGap(classes);
            default -> throw new IllegalArgumentException("--model " + name + " is unknown; use " + NAMES);
        };
    }

    /**
     * Flatten, 256 and 128 ReLU units, then the classes.
     *
     * @param classes number of classes
     * @return the block, uninitialised
     */
    public static Block mlp(int classes) {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /**
     * conv 5x5x32, pool, conv 5x5x64, pool, 128 ReLU units, then the classes.
     *
     * @param classes number of classes
     * @return the block, uninitialised
     */
    public static Block cnn(int classes) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(32).build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(64).build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /**
     * The CNN with padded convolutions and global average pooling before its classifier, so that it accepts images
     * of any size from 4 x 4 up: the model for scoring at reduced resolution ({@code ast.scoreDownsample}), which
     * the fixed-size classifier of {@link #cnn} rejects.
     *
     * @param classes number of classes
     * @return the block, uninitialised
     */
    public static Block cnnGap(int classes) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(32)
                        .build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(64)
                        .build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }
}
