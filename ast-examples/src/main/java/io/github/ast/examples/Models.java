package io.github.ast.examples;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.core.optim.ResumableAdam;

/**
 * The two example networks for 28x28 grey images, both taking input of shape (batch, 1, 28, 28), and the training
 * setup the demo and the benchmark share, so that every method they compare trains the same way.
 */
public final class Models {

    private Models() {}

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
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer)
                .optDevices(new Device[] {Device.cpu()});
    }

    /**
     * Returns a network by name.
     *
     * @param name "mlp" or "cnn"
     * @param classes number of classes
     * @return the block
     * @throws IllegalArgumentException for another name
     */
    public static Block byName(String name, int classes) {
        return switch (name) {
            case "mlp" -> mlp(classes);
            case "cnn" -> cnn(classes);
            default -> throw new IllegalArgumentException("--model " + name + " is unknown; use mlp or cnn");
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
}
