package io.github.ast.energy;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.core.Prelu;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Counts the floating-point operations of one forward pass of a DJL network, so that energy can be priced by the
 * work the network actually does rather than by a per-sample constant.
 *
 * <p>Convention: one multiply-add is <b>2 FLOPs</b>. The counter walks the block tree, feeding each block the shapes
 * its predecessor produces ({@link Block#getOutputShapes}), with a batch of one. It reads no parameter values (only
 * weight shapes, to check that the input fits); the only engine work is DJL's own: it learns a {@link LambdaBlock}'s
 * output shape by applying it to zeros. Per block:
 * <ul>
 *   <li>{@link SequentialBlock}: the sum of its children, each fed the previous child's output shapes;</li>
 *   <li>{@link ParallelBlock}: the sum of its branches, each fed the block's input, plus one FLOP per output element
 *       for the join function (exact for a residual sum, an overcount for a concatenation);</li>
 *   <li>{@link Linear}: {@code (2·in + 1)·units} per row of the input (all axes but the last), or
 *       {@code 2·in·units} without bias;</li>
 *   <li>{@link Convolution} (Conv1d/2d/3d): {@code (2·Cin/groups·prod(kernel) + 1)·Cout·prod(output spatial)}, the
 *       {@code + 1} for the bias; stride, padding and dilation enter through the output size;</li>
 *   <li>{@link BatchNorm}: 2 per element, one multiply-add with the statistics folded into a scale and a shift;</li>
 *   <li>{@link LayerNorm}: 7 per element: mean 1, centring 1, variance 2 (a multiply-add), scaling by the reciprocal
 *       standard deviation 1, affine 2 (a multiply-add); per-row square roots are not counted;</li>
 *   <li>{@link Dropout}: 0, as at inference, where it is the identity;</li>
 *   <li>pooling blocks ({@code Pool.*Block}, lambdas named {@code maxPool2d}, {@code globalAvgPool1d}, ...): one per
 *       <em>input</em> element. DJL keeps the kernel inside the lambda; for non-overlapping windows this is the
 *       work itself (k - 1 comparisons or k additions per window of k inputs), overlapping ones are undercounted by
 *       about kernel/stride per dimension;</li>
 *   <li>{@code batchFlatten} and {@code identity} lambdas: 0, they only reshape;</li>
 *   <li>activations ({@link ai.djl.nn.Activation} blocks, {@link Prelu}) and every other {@link LambdaBlock}: one
 *       per output element, whatever the function (a sigmoid costs more, a ReLU is a comparison).</li>
 * </ul>
 * Any other block type is an error naming its class rather than a silent guess, because an unknown block can hide
 * most of a network's cost (an LSTM, an attention block). Teach the counter such a block with {@link #with}.
 *
 * <p>All forwards are priced at this inference count: the training forward's extra work (batch statistics, dropout
 * masks) is not counted separately. Instances are immutable and thread-safe.
 */
public final class FlopCounter {

    /** How to count one kind of block. */
    @FunctionalInterface
    public interface BlockCost {

        /**
         * Counts the forward FLOPs of a block.
         *
         * @param block the block, an instance of the type the cost was registered for
         * @param inputShapes the block's input shapes, batch dimension included
         * @param counter the counter, to count child blocks with {@link FlopCounter#forwardFlops}
         * @return the FLOPs of one forward pass on inputs of these shapes
         */
        long forwardFlops(Block block, Shape[] inputShapes, FlopCounter counter);
    }

    private record Rule(Class<? extends Block> type, BlockCost cost) {}

    private static final Pattern POOLING = Pattern.compile("(max|avg|lp|globalMax|globalAvg|globalLp)Pool[123]d");
    private static final Set<String> RESHAPES = Set.of("batchFlatten", "identity");
    private static final FlopCounter STANDARD = new FlopCounter(List.of(
            new Rule(SequentialBlock.class, FlopCounter::sequential),
            new Rule(ParallelBlock.class, FlopCounter::parallel),
            new Rule(Linear.class, (block, in, counter) -> linear((Linear) block, in)),
            new Rule(Convolution.class, (block, in, counter) -> convolution((Convolution) block, in)),
            new Rule(BatchNorm.class, (block, in, counter) -> 2 * elements(in)),
            new Rule(LayerNorm.class, (block, in, counter) -> 7 * elements(in)),
            new Rule(Dropout.class, (block, in, counter) -> 0),
            new Rule(Prelu.class, (block, in, counter) -> elements(block.getOutputShapes(in))),
            new Rule(LambdaBlock.class, (block, in, counter) -> lambda((LambdaBlock) block, in))));

    private final List<Rule> rules;

    private FlopCounter(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** {@return the counter for DJL's built-in blocks, with the conventions in the class description} */
    public static FlopCounter standard() {
        return STANDARD;
    }

    /**
     * Returns a counter that counts blocks of a type (and its subclasses) with the given cost, ahead of every rule
     * this counter already has; use it for custom blocks, or to change a convention.
     *
     * @param type the block type
     * @param cost how to count it
     * @return the new counter; this one is unchanged
     */
    public FlopCounter with(Class<? extends Block> type, BlockCost cost) {
        List<Rule> extended = new ArrayList<>(rules.size() + 1);
        extended.add(new Rule(Objects.requireNonNull(type, "type"), Objects.requireNonNull(cost, "cost")));
        extended.addAll(rules);
        return new FlopCounter(extended);
    }

    /**
     * Counts the forward FLOPs of one sample.
     *
     * @param block the network; initialised or not, the count only needs its structure
     * @param sampleShape the shape of one input sample <b>without</b> the batch dimension, for example (1, 28, 28);
     *     the counter adds a batch dimension of 1
     * @return FLOPs of one sample's forward pass
     * @throws IllegalArgumentException if the network contains a block type the counter does not know, or the shape
     *     does not fit the network's initialised weights
     */
    public long forwardFlopsPerSample(Block block, Shape sampleShape) {
        Objects.requireNonNull(sampleShape, "sampleShape");
        return forwardFlops(block, new Shape(1).addAll(sampleShape));
    }

    /**
     * Counts the forward FLOPs of a block on a whole input, batch dimension included; custom {@link BlockCost}s
     * call this for their children.
     *
     * @param block the block
     * @param inputShapes the input shapes, batch dimension included
     * @return FLOPs of one forward pass on inputs of these shapes
     * @throws IllegalArgumentException if the block, or one inside it, is of a type the counter does not know
     */
    public long forwardFlops(Block block, Shape... inputShapes) {
        Objects.requireNonNull(block, "block");
        for (Rule rule : rules) {
            if (rule.type().isInstance(block)) {
                return rule.cost().forwardFlops(block, inputShapes, this);
            }
        }
        throw new IllegalArgumentException("FlopCounter cannot count a " + block.getClass().getName()
                + " (input " + Arrays.toString(inputShapes) + "): it counts SequentialBlock, ParallelBlock, Linear, "
                + "Conv1d/2d/3d, BatchNorm, LayerNorm, Dropout, Prelu and LambdaBlocks (activations, pooling, "
                + "flatten); count it with FlopCounter.standard().with(" + block.getClass().getSimpleName()
                + ".class, cost)");
    }

    private static long sequential(Block block, Shape[] inputShapes, FlopCounter counter) {
        long flops = 0;
        Shape[] shapes = inputShapes;
        for (Block child : block.getChildren().values()) {
            flops = Math.addExact(flops, counter.forwardFlops(child, shapes));
            shapes = child.getOutputShapes(shapes);
        }
        return flops;
    }

    private static long parallel(Block block, Shape[] inputShapes, FlopCounter counter) {
        long flops = elements(block.getOutputShapes(inputShapes));
        for (Block branch : block.getChildren().values()) {
            flops = Math.addExact(flops, counter.forwardFlops(branch, inputShapes));
        }
        return flops;
    }

    private static long linear(Linear linear, Shape[] inputShapes) {
        Shape input = single(linear, inputShapes);
        long in = input.getLastDimension();
        long units = linear.getOutputShapes(inputShapes)[0].getLastDimension();
        requireWeightDimension(linear, 1, in, input);
        long rows = input.size() / in;
        long perRow = 2 * in * units + (linear.getDirectParameters().contains("bias") ? units : 0);
        return Math.multiplyExact(rows, perRow);
    }

    private static long convolution(Convolution conv, Shape[] inputShapes) {
        Shape input = single(conv, inputShapes);
        long inChannels = input.get(1);
        requireWeightDimension(conv, 1, inChannels / conv.getGroups(), input);
        Shape output = conv.getOutputShapes(inputShapes)[0];
        long outputElements = output.size() / output.get(0); // Cout · prod(output spatial) per batch row
        long perOutput = 2 * (inChannels / conv.getGroups()) * conv.getKernelShape().size()
                + (conv.isIncludeBias() ? 1 : 0);
        return Math.multiplyExact(Math.multiplyExact(input.get(0), outputElements), perOutput);
    }

    private static long lambda(LambdaBlock lambda, Shape[] inputShapes) {
        String name = Objects.toString(lambda.getName(), "");
        if (RESHAPES.contains(name)) {
            return 0;
        }
        if (POOLING.matcher(name).matches()) {
            return elements(inputShapes);
        }
        return elements(lambda.getOutputShapes(inputShapes));
    }

    private static Shape single(Block block, Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " takes one input, got shapes "
                    + Arrays.toString(inputShapes));
        }
        return inputShapes[0];
    }

    /** Catches a sample shape that does not fit the network, which would otherwise give a plausible wrong count. */
    private static void requireWeightDimension(Block block, int axis, long expected, Shape input) {
        Parameter weight = block.getDirectParameters().get("weight");
        Shape weightShape = weight == null ? null : weight.getShape();
        if (weightShape != null && weightShape.get(axis) != expected) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " was initialised with weight "
                    + weightShape + ", which does not fit input " + input + "; is the sample shape right?");
        }
    }

    private static long elements(Shape[] shapes) {
        long total = 0;
        for (Shape shape : shapes) {
            total = Math.addExact(total, shape.size());
        }
        return total;
    }
}
