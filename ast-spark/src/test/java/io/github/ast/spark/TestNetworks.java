package io.github.ast.spark;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;

/** Small networks for (1, 8, 8) samples of 4 classes, built by factories as executors build them. */
final class TestNetworks {

    static final Shape SAMPLE = new Shape(1, 8, 8);
    static final int CLASSES = 4;

    private TestNetworks() {}

    /** A two-layer perceptron. */
    static final class Mlp implements BlockFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
            return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(CLASSES).build());
        }
    }

    /**
     * The same perceptron, whose forward fails once inside a Spark task after {@link #ARMED} is set: a task that
     * fails once (the driver's check that the model builds is not a task).
     */
    static final class FailsOnce implements BlockFactory {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean ARMED = new AtomicBoolean();

        @Override
        public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
            return new SequentialBlock().add(new LambdaBlock(list -> {
                if (TaskContext.get() != null && ARMED.compareAndSet(true, false)) {
                    throw new IllegalStateException("injected task failure");
                }
                return list;
            })).add(new Mlp().newBlock(model, modelPath, arguments));
        }
    }

    /**
     * Returns an initialised model built by a factory.
     *
     * @param engine the engine
     * @param factory the factory
     * @param seed the engine's seed for the initial parameters
     * @return the model, to close
     */
    static Model initialised(String engine, BlockFactory factory, int seed) throws Exception {
        Engine.getEngine(engine).setRandomSeed(seed);
        Model model = Model.newInstance("test", engine);
        Block block = factory.newBlock(model, null, Map.of());
        model.setBlock(block);
        block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1).addAll(SAMPLE));
        block.forward(new ParameterStore(model.getNDManager(), false),
                new ai.djl.ndarray.NDList(model.getNDManager().zeros(new Shape(1).addAll(SAMPLE))), false);
        return model;
    }
}
