package io.github.ast.energy;

import static io.github.ast.api.spi.OptionCheck.require;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.BatchWork;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.spi.EnergyModelFactory;
import io.github.ast.api.spi.Option;
import io.github.ast.api.spi.PluginContext;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Prices work in GFLOP counted from the network itself: every scored sample costs one forward pass of {@code F}
 * FLOPs, every trained sample a forward and a backward pass, {@code F + backwardFactor·F}, against
 * {@code (1 + backwardFactor)·F} for every sample of the batch in full-data training.
 *
 * <p>Unlike {@link ForwardBackwardEnergyModel}, whose costs are per-sample constants, the figures here are absolute
 * (GFLOP per batch), so runs on different networks can be compared. {@code F} comes from {@link FlopCounter} when
 * the trainer calls {@link #attach}; a model created from configuration is unbound until then and refuses to price.
 * The backward factor defaults to 2: a layer's backward computes the gradients of its input and of its weights, each
 * about as costly as its forward. Instances are immutable.
 */
public final class FlopEnergyModel implements EnergyModel {

    private static final double FLOPS_PER_GFLOP = 1e9;

    private final double backwardFactor;
    private final FlopCounter counter;
    private final OptionalLong forwardFlopsPerSample;

    /**
     * Creates an unbound model that counts with {@link FlopCounter#standard()}.
     *
     * @param backwardFactor cost of a backward pass in forward passes, finite and > 0
     */
    public FlopEnergyModel(double backwardFactor) {
        this(backwardFactor, FlopCounter.standard());
    }

    /**
     * Creates an unbound model that counts with the given counter, for networks with custom blocks.
     *
     * @param backwardFactor cost of a backward pass in forward passes, finite and > 0
     * @param counter the FLOP counter {@link #attach} uses
     */
    public FlopEnergyModel(double backwardFactor, FlopCounter counter) {
        this(backwardFactor, counter, OptionalLong.empty());
    }

    private FlopEnergyModel(double backwardFactor, FlopCounter counter, OptionalLong forwardFlopsPerSample) {
        this.backwardFactor = new Options(backwardFactor).backwardFactor(); // the one place the rule is written
        this.counter = Objects.requireNonNull(counter, "counter");
        this.forwardFlopsPerSample = forwardFlopsPerSample;
    }

    /** {@return the cost of a backward pass in forward passes} */
    public double backwardFactor() {
        return backwardFactor;
    }

    /** {@return the forward FLOPs of one sample once attached, empty before} */
    public OptionalLong forwardFlopsPerSample() {
        return forwardFlopsPerSample;
    }

    @Override
    public String unit() {
        return "GFLOP";
    }

    /**
     * Returns a model bound to the network: it counts the network's forward FLOPs per sample once.
     *
     * @throws IllegalArgumentException if the network contains a block the counter does not know
     */
    @Override
    public FlopEnergyModel attach(Block block, Shape sampleShape) {
        return new FlopEnergyModel(backwardFactor, counter,
                OptionalLong.of(counter.forwardFlopsPerSample(block, sampleShape)));
    }

    /**
     * Prices one batch in GFLOP.
     *
     * @throws IllegalStateException if the model has not been attached to a network
     */
    @Override
    public BatchEnergy price(BatchWork work) {
        double forward = forwardFlopsPerSample.orElseThrow(() -> new IllegalStateException(
                "the 'flops' energy model is not attached to a network: call attach(block, sampleShape) before "
                        + "price(...) so it can count the network's FLOPs")) / FLOPS_PER_GFLOP;
        double step = (1 + backwardFactor) * forward;
        return new BatchEnergy(forward * work.scored() + step * work.trained(), step * work.batchSize());
    }

    @Override
    public String toString() {
        return "FlopEnergyModel[backwardFactor=" + backwardFactor + ", forwardFlopsPerSample="
                + (forwardFlopsPerSample.isPresent() ? forwardFlopsPerSample.getAsLong() : "unattached") + "]";
    }

    /**
     * The model's settings.
     *
     * @param backwardFactor cost of a backward pass in forward passes, finite and > 0
     */
    public record Options(@Option(description = "cost of a backward pass, in forward passes") double backwardFactor) {

        /** A backward pass costs two forward passes. */
        public static final Options DEFAULTS = new Options(2.0);

        /**
         * Validates the factor.
         *
         * @param backwardFactor cost of a backward pass in forward passes, finite and > 0
         */
        public Options {
            require(Double.isFinite(backwardFactor) && backwardFactor > 0, "backwardFactor", backwardFactor,
                    "finite and > 0");
        }
    }

    /** Creates the model under the name {@code flops}. */
    public static final class Factory implements EnergyModelFactory {
        @Override
        public String name() {
            return "flops";
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public EnergyModel create(PluginContext context) {
            return new FlopEnergyModel(context.options(Options.class).backwardFactor());
        }
    }
}
