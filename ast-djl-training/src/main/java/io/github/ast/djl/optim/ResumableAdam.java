package io.github.ast.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;

/**
 * DJL's {@link ai.djl.training.optimizer.Adam}, step for step and bit for bit, but with a state that can be saved in a
 * checkpoint ({@link ResumableOptimizer}): a run resumed with the imported state continues exactly as if it had never
 * stopped, where DJL's Adam would restart its moments and bias correction from zero.
 *
 * <p>Like DJL's Adam, it keeps the moments per parameter and per device (on MXNet the weight passed to
 * {@link #update} is the KVStore's copy) and counts updates per parameter, using the largest count so far as the
 * time step of every update. It keeps these counters itself, because DJL's are private.
 *
 * <p>Exported arrays are named {@code adam.counts} (int32, one counter per parameter), {@code adam.numUpdate} (int32,
 * the largest counter) and {@code adam.mean:<index>:<device type>:<device id>:<parameter name>} and likewise
 * {@code adam.variance:...} for each parameter that was updated, where {@code index} is the parameter's position in
 * {@code block.getParameters()} and the name is its key there, checked on import.
 */
public final class ResumableAdam extends Optimizer implements ResumableOptimizer {

    private final ParameterTracker learningRateTracker;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final AdamState state;

    private ResumableAdam(Builder builder) {
        super(builder);
        learningRateTracker = builder.learningRateTracker;
        beta1 = builder.beta1;
        beta2 = builder.beta2;
        epsilon = builder.epsilon;
        state = new AdamState(builder.beginNumUpdate);
    }

    /**
     * Starts a builder with the defaults of DJL's {@code Adam.builder()}.
     *
     * @return a new builder: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8, no weight decay, no clipping
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Updates a weight exactly as DJL 0.36.0's {@code Adam.update} does, so swapping DJL's Adam for this class changes
     * no result.
     *
     * @throws IllegalArgumentException if the bias-corrected learning rate or the weight decay is NaN or infinite
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = state.nextTimeStep(parameterId);
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lr = learningRateTracker.getNewValue(parameterId, t);
        float newLearningRate = (float) (lr * Math.sqrt(coef2) / coef1);
        float weightDecay = getWeightDecay();
        if (!Float.isFinite(newLearningRate) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("learning rate " + newLearningRate + " (" + lr + " at update " + t
                    + ") or weight decay " + weightDecay + " is NaN or infinite; both must be finite");
        }
        NDList inputs = new NDList(weight, grad,
                withDefaultState(state.means(), parameterId, weight.getDevice(), k -> weight.zerosLike()),
                withDefaultState(state.variances(), parameterId, weight.getDevice(), k -> weight.zerosLike()));
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, newLearningRate, weightDecay,
                rescaleGrad, clipGrad, beta1, beta2, epsilon, true, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Call it between steps, not while the trainer updates. A parameter never updated exports its counter as the
     * builder's {@code beginNumUpdate} and no moments, which is how it behaves on its next update.
     */
    @Override
    public NDList exportState(ParameterList parameters, NDManager manager) {
        return state.export(parameters, manager);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Everything is checked before anything changes, so a rejected state leaves this optimiser as it was. The moments
     * are restored on the devices they were saved from.
     */
    @Override
    public void importState(ParameterList parameters, NDList state) {
        this.state.restore(parameters, state);
    }

    /** Builds a {@link ResumableAdam}; the setters and defaults are those of DJL's {@code Adam.Builder}. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRateTracker = Tracker.fixed(0.001f);
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private int beginNumUpdate;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets how the learning rate evolves with the update count.
         *
         * @param learningRateTracker the tracker, not null
         * @return this builder
         */
        public Builder optLearningRateTracker(ParameterTracker learningRateTracker) {
            this.learningRateTracker = learningRateTracker;
            return this;
        }

        /**
         * Sets the decay rate of the first moment estimates.
         *
         * @param beta1 in [0, 1)
         * @return this builder
         */
        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * Sets the decay rate of the second moment estimates.
         *
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the small quantity added to the denominator for numerical stability.
         *
         * @param epsilon finite and > 0
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the update count the counters start from; also recorded here because DJL keeps its copy private and
         * the exported counters must follow it.
         *
         * @param beginNumUpdate >= 0
         * @return this builder
         */
        @Override
        public Builder optBeginNumUpdate(int beginNumUpdate) {
            this.beginNumUpdate = beginNumUpdate;
            return super.optBeginNumUpdate(beginNumUpdate);
        }

        /**
         * Builds the optimiser.
         *
         * @return a new optimiser with empty state
         * @throws IllegalArgumentException if a setting is outside its allowed range
         */
        public ResumableAdam build() {
            if (learningRateTracker == null) {
                throw new IllegalArgumentException("learningRateTracker is null; set a tracker such as Tracker.fixed");
            }
            checkDecay("beta1", beta1);
            checkDecay("beta2", beta2);
            if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
                throw new IllegalArgumentException("epsilon=" + epsilon + " must be finite and > 0");
            }
            if (beginNumUpdate < 0) {
                throw new IllegalArgumentException("beginNumUpdate=" + beginNumUpdate + " must be >= 0");
            }
            return new ResumableAdam(this);
        }

        private static void checkDecay(String name, float value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(name + "=" + value + " must be in [0, 1)");
            }
        }
    }
}
