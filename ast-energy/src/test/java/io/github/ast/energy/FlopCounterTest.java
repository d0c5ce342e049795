package io.github.ast.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.LSTM;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the counter against FLOPs computed by hand, one multiply-add = 2 FLOPs, on both engines. */
class FlopCounterTest {

    private static final FlopCounter COUNTER = FlopCounter.standard();

    /** The demo's MLP (ast-examples Models.mlp). */
    private static Block mlp() {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    /** The demo's CNN (ast-examples Models.cnn). */
    private static Block cnn() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(32).build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(64).build())
                .add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    /** Initialises a block on an engine, with a batch of 128 as a trainer would. */
    private static Block initialised(Block block, NDManager manager, Shape sampleShape) {
        block.initialize(manager, DataType.FLOAT32, new Shape(128).addAll(sampleShape));
        return block;
    }

    /** Opens a manager on the named engine, checking that DJL did not fall back to another one. */
    private static NDManager manager(String engine) {
        NDManager manager = NDManager.newBaseManager(engine);
        assertThat(manager.getEngine().getEngineName()).isEqualTo(engine);
        return manager;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void countsTheDemoMlp(String engine) {
        long flatten = 0;                               // a reshape
        long fc1 = 2L * 784 * 256 + 256;                // 401,408 multiply-add FLOPs + 256 bias adds = 401,664
        long relu1 = 256;
        long fc2 = 2L * 256 * 128 + 128;                // 65,536 + 128 = 65,664
        long relu2 = 128;
        long fc3 = 2L * 128 * 10 + 10;                  // 2,560 + 10 = 2,570
        long expected = flatten + fc1 + relu1 + fc2 + relu2 + fc3;
        assertThat(expected).isEqualTo(470_282);

        try (NDManager manager = manager(engine)) {
            Block block = initialised(mlp(), manager, new Shape(1, 28, 28));
            assertThat(COUNTER.forwardFlopsPerSample(block, new Shape(1, 28, 28))).isEqualTo(expected);
            // the flattened sample gives the same count
            assertThat(COUNTER.forwardFlopsPerSample(block, new Shape(784))).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void countsTheDemoCnn(String engine) {
        // conv1: 1x28x28 -> 32x24x24 (28 - 5 + 1 = 24); each output: 1·5·5 multiply-adds + a bias add
        long conv1 = (2L * 1 * 5 * 5 + 1) * 32 * 24 * 24;     // 51 · 18,432 = 940,032
        long relu1 = 32L * 24 * 24;                            // 18,432
        long pool1 = 32L * 24 * 24;                            // one per input element; -> 32x12x12
        // conv2: 32x12x12 -> 64x8x8 (12 - 5 + 1 = 8); each output: 32·5·5 multiply-adds + a bias add
        long conv2 = (2L * 32 * 5 * 5 + 1) * 64 * 8 * 8;      // 1,601 · 4,096 = 6,557,696
        long relu2 = 64L * 8 * 8;                              // 4,096
        long pool2 = 64L * 8 * 8;                              // 4,096; -> 64x4x4
        long flatten = 0;                                      // -> 1,024
        long fc1 = 2L * 1024 * 128 + 128;                      // 262,144 + 128 = 262,272
        long relu3 = 128;
        long fc2 = 2L * 128 * 10 + 10;                         // 2,570
        long expected = conv1 + relu1 + pool1 + conv2 + relu2 + pool2 + flatten + fc1 + relu3 + fc2;
        assertThat(expected).isEqualTo(7_807_754);

        try (NDManager manager = manager(engine)) {
            Block block = initialised(cnn(), manager, new Shape(1, 28, 28));
            assertThat(COUNTER.forwardFlopsPerSample(block, new Shape(1, 28, 28))).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void convolutionsUseGroupsStridePaddingDilationAndBias(String engine) {
        try (NDManager manager = manager(engine)) {
            // Conv1d 4 -> 6 channels in 2 groups, kernel 3, stride 2, padding 1, no bias, on length 10:
            // output length (10 + 2 - 3) / 2 + 1 = 5; each output: 4/2 · 3 multiply-adds
            Block conv1d = initialised(Conv1d.builder().setKernelShape(new Shape(3)).setFilters(6).optGroups(2)
                    .optStride(new Shape(2)).optPadding(new Shape(1)).optBias(false).build(), manager,
                    new Shape(4, 10));
            assertThat(COUNTER.forwardFlopsPerSample(conv1d, new Shape(4, 10))).isEqualTo(2L * 2 * 3 * 6 * 5);

            // Conv2d 3 -> 4 channels, kernel 3x3 dilated by 2 (spans 5), on 8x8: output 4x4
            Block conv2d = initialised(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                    .optDilation(new Shape(2, 2)).build(), manager, new Shape(3, 8, 8));
            assertThat(COUNTER.forwardFlopsPerSample(conv2d, new Shape(3, 8, 8)))
                    .isEqualTo((2L * 3 * 9 + 1) * 4 * 4 * 4);           // 55 · 64 = 3,520

            // Conv3d 2 -> 3 channels, kernel 2x2x2, on 4x4x4: output 3x3x3
            Block conv3d = initialised(Conv3d.builder().setKernelShape(new Shape(2, 2, 2)).setFilters(3).build(),
                    manager, new Shape(2, 4, 4, 4));
            assertThat(COUNTER.forwardFlopsPerSample(conv3d, new Shape(2, 4, 4, 4)))
                    .isEqualTo((2L * 2 * 8 + 1) * 3 * 27);              // 33 · 81 = 2,673
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void countsNormsDropoutResidualBranchesPoolingAndActivations(String engine) {
        ParallelBlock residual = new ParallelBlock(
                branches -> new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
                List.of(Linear.builder().setUnits(8).build(), Blocks.identityBlock()));
        Block block = new SequentialBlock()
                .add(Linear.builder().setUnits(8).optBias(false).build())
                .add(BatchNorm.builder().build())
                .add(Dropout.builder().optRate(0.5f).build())
                .add(residual)
                .add(LayerNorm.builder().build())
                .add(Activation.sigmoidBlock());
        long linear = 2L * 4 * 8;                 // no bias: 64
        long batchNorm = 2L * 8;                  // one multiply-add per element
        long dropout = 0;
        long branch = 2L * 8 * 8 + 8;             // 136
        long identity = 0;
        long join = 8;                            // the residual sum, one per output element
        long layerNorm = 7L * 8;
        long sigmoid = 8;
        try (NDManager manager = manager(engine)) {
            initialised(block, manager, new Shape(4));
            assertThat(COUNTER.forwardFlopsPerSample(block, new Shape(4)))
                    .isEqualTo(linear + batchNorm + dropout + branch + identity + join + layerNorm + sigmoid);

            // pooling counts its input elements, whatever its window
            Block pools = initialised(new SequentialBlock()
                    .add(Pool.avgPool2dBlock(new Shape(3, 3), new Shape(1, 1)))    // 2x6x6 -> 2x4x4
                    .add(Pool.globalMaxPool2dBlock()), manager, new Shape(2, 6, 6));
            assertThat(COUNTER.forwardFlopsPerSample(pools, new Shape(2, 6, 6))).isEqualTo(2 * 36 + 2 * 16);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void rejectsASampleShapeThatDoesNotFitTheWeights(String engine) {
        Block noFlatten = new SequentialBlock().add(Linear.builder().setUnits(10).build());
        try (NDManager manager = manager(engine)) {
            initialised(noFlatten, manager, new Shape(784));
            // without the weights check this would count a 28-input Linear on every image row
            assertThatThrownBy(() -> COUNTER.forwardFlopsPerSample(noFlatten, new Shape(1, 28, 28)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Linear was initialised with weight (10, 784)")
                    .hasMessageContaining("(1, 1, 28, 28)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void namesAnUnknownBlockAndCountsItOnceTaught(String engine) {
        Block lstm = LSTM.builder().setStateSize(4).setNumLayers(1).build();
        Block block = new SequentialBlock().add(Linear.builder().setUnits(3).build()).add(lstm);
        assertThatThrownBy(() -> COUNTER.forwardFlopsPerSample(block, new Shape(2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot count a ai.djl.nn.recurrent.LSTM")
                .hasMessageContaining("with(LSTM.class, cost)");

        FlopCounter taught = COUNTER.with(LSTM.class, (b, in, counter) -> 1000);
        try (NDManager manager = manager(engine)) {
            initialised(block, manager, new Shape(2, 5));
            // Linear on 2 rows of 5: 2 · (2·5·3 + 3) = 66, then the taught LSTM
            assertThat(taught.forwardFlopsPerSample(block, new Shape(2, 5))).isEqualTo(66 + 1000);
        }
        // the standard counter is unchanged
        assertThatThrownBy(() -> COUNTER.forwardFlopsPerSample(block, new Shape(2, 5)))
                .hasMessageContaining("LSTM");
    }
}
