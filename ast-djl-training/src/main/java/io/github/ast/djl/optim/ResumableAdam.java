package io.github.ast.djl.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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

    private static final String COUNTS = "adam.counts";
    private static final String NUM_UPDATE = "adam.numUpdate";
    private static final String MEAN = "adam.mean";
    private static final String VARIANCE = "adam.variance";

    private final ParameterTracker learningRateTracker;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final int beginNumUpdate;

    // Keyed by Parameter.getId(), as update() is called; positions only appear on export and import.
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicInteger numUpdate = new AtomicInteger();
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

    private ResumableAdam(Builder builder) {
        super(builder);
        learningRateTracker = builder.learningRateTracker;
        beta1 = builder.beta1;
        beta2 = builder.beta2;
        epsilon = builder.epsilon;
        beginNumUpdate = builder.beginNumUpdate;
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
        int t = nextTimeStep(parameterId);
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
                withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike()),
                withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike()));
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, newLearningRate, weightDecay,
                rescaleGrad, clipGrad, beta1, beta2, epsilon, true, false);
    }

    /** DJL's {@code Optimizer.updateCount}: counts per parameter, returns the largest count so far. */
    private int nextTimeStep(String parameterId) {
        int count = counts.merge(parameterId, beginNumUpdate + 1, (old, first) -> old + 1);
        return numUpdate.accumulateAndGet(count, Math::max);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Call it between steps, not while the trainer updates. A parameter never updated exports its counter as the
     * builder's {@code beginNumUpdate} and no moments, which is how it behaves on its next update.
     */
    @Override
    public NDList exportState(ParameterList parameters, NDManager manager) {
        int[] perParameter = new int[parameters.size()];
        NDList moments = new NDList();
        for (int i = 0; i < parameters.size(); i++) {
            String id = parameters.valueAt(i).getId();
            perParameter[i] = counts.getOrDefault(id, beginNumUpdate);
            exportMoments(MEAN, i, parameters.keyAt(i), means.get(id), manager, moments);
            exportMoments(VARIANCE, i, parameters.keyAt(i), variances.get(id), manager, moments);
        }
        NDList state = new NDList(named(manager.create(perParameter), COUNTS),
                named(manager.create(new int[] {numUpdate.get()}), NUM_UPDATE));
        state.addAll(moments);
        return state;
    }

    private static void exportMoments(String kind, int index, String name, Map<Device, NDArray> byDevice,
            NDManager manager, NDList out) {
        if (byDevice == null) {
            return;
        }
        List<Device> devices = new ArrayList<>(byDevice.keySet());
        devices.sort(Comparator.comparing(Device::toString)); // a stable order across runs
        for (Device device : devices) {
            NDArray copy = byDevice.get(device).duplicate();
            copy.attach(manager);
            out.add(named(copy, String.join(":", kind, Integer.toString(index), device.getDeviceType(),
                    Integer.toString(device.getDeviceId()), name)));
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Everything is checked before anything changes, so a rejected state leaves this optimiser as it was. The moments
     * are restored on the devices they were saved from.
     */
    @Override
    public void importState(ParameterList parameters, NDList state) {
        Map<String, NDArray> byName = new LinkedHashMap<>(); // in the state's order, so errors are reproducible
        for (NDArray array : state) {
            if (byName.put(String.valueOf(array.getName()), array) != null) {
                throw new IllegalArgumentException("the state holds two arrays named '" + array.getName() + "'");
            }
        }
        int[] savedCounts = counters(byName.remove(COUNTS), COUNTS);
        int[] savedNumUpdate = counters(byName.remove(NUM_UPDATE), NUM_UPDATE);
        if (savedCounts.length != parameters.size()) {
            throw new IllegalArgumentException("the state holds counters for " + savedCounts.length
                    + " parameters but the model has " + parameters.size());
        }
        if (savedNumUpdate.length != 1) {
            throw new IllegalArgumentException(NUM_UPDATE + " holds " + savedNumUpdate.length + " values, not 1");
        }
        Map<String, Map<Device, NDArray>> newMeans = new HashMap<>();
        Map<String, Map<Device, NDArray>> newVariances = new HashMap<>();
        List<NDArray> copies = new ArrayList<>();
        try {
            for (Map.Entry<String, NDArray> entry : byName.entrySet()) {
                String[] fields = entry.getKey().split(":", 5);
                Map<String, Map<Device, NDArray>> target = switch (fields[0]) {
                    case MEAN -> newMeans;
                    case VARIANCE -> newVariances;
                    default -> throw new IllegalArgumentException("unexpected array '" + entry.getKey()
                            + "' in the state: " + getClass().getSimpleName() + " exports only " + COUNTS + ", "
                            + NUM_UPDATE + ", " + MEAN + ":... and " + VARIANCE + ":...");
                };
                if (fields.length != 5) {
                    throw new IllegalArgumentException("state array '" + entry.getKey() + "' is not named "
                            + fields[0] + ":<index>:<device type>:<device id>:<parameter name>");
                }
                Parameter parameter = checkedParameter(parameters, entry.getKey(), fields[1], fields[4],
                        entry.getValue());
                Device device = Device.of(fields[2], parseInt(fields[3], entry.getKey()));
                // A copy with memory of its own: on PyTorch toDevice(sameDevice, true) returns an alias, and a decoded
                // array's memory belongs to a Java buffer freed once the decoded array is collected.
                NDArray saved = entry.getValue();
                NDArray copy = saved.getDevice().equals(device) ? saved.duplicate() : saved.toDevice(device, true);
                copies.add(copy);
                copy.detach(); // like DJL's state: owned by this optimiser, not by a manager closed under it
                target.computeIfAbsent(parameter.getId(), k -> new ConcurrentHashMap<>()).put(device, copy);
            }
            checkPaired(newMeans, newVariances, parameters);
        } catch (RuntimeException e) {
            copies.forEach(NDArray::close);
            throw e;
        }
        replace(means, newMeans);
        replace(variances, newVariances);
        counts.clear();
        for (int i = 0; i < savedCounts.length; i++) {
            counts.put(parameters.valueAt(i).getId(), savedCounts[i]);
        }
        numUpdate.set(savedNumUpdate[0]);
    }

    private static int[] counters(NDArray array, String name) {
        if (array == null) {
            throw new IllegalArgumentException("the state has no array named '" + name
                    + "': it was not exported by ResumableAdam");
        }
        if (array.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException(name + " is " + array.getDataType() + " but must be int32");
        }
        return array.toIntArray();
    }

    private static Parameter checkedParameter(ParameterList parameters, String arrayName, String index, String name,
            NDArray saved) {
        int i = parseInt(index, arrayName);
        if (i < 0 || i >= parameters.size()) {
            throw new IllegalArgumentException("state array '" + arrayName + "' is for parameter " + i
                    + " but the model has parameters 0 to " + (parameters.size() - 1));
        }
        if (!parameters.keyAt(i).equals(name)) {
            throw new IllegalArgumentException("state array '" + arrayName + "' is for parameter " + i + " named '"
                    + name + "' but the model's parameter " + i + " is '" + parameters.keyAt(i) + "'");
        }
        Parameter parameter = parameters.valueAt(i);
        if (!parameter.isInitialized()) {
            throw new IllegalStateException("parameter " + i + " '" + name
                    + "' is not initialised: initialise the block before importing the optimiser state");
        }
        NDArray weight = parameter.getArray();
        if (!weight.getShape().equals(saved.getShape()) || weight.getDataType() != saved.getDataType()) {
            throw new IllegalArgumentException("state array '" + arrayName + "' is " + saved.getDataType() + " "
                    + saved.getShape() + " but parameter " + i + " '" + name + "' is " + weight.getDataType() + " "
                    + weight.getShape());
        }
        String savedEngine = saved.getManager().getEngine().getEngineName();
        String modelEngine = weight.getManager().getEngine().getEngineName();
        if (!savedEngine.equals(modelEngine)) {
            throw new IllegalArgumentException("state array '" + arrayName + "' belongs to engine " + savedEngine
                    + " but the model runs on " + modelEngine + ": decode the state with a manager of " + modelEngine);
        }
        return parameter;
    }

    private static int parseInt(String value, String arrayName) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("state array '" + arrayName + "' has '" + value
                    + "' where an integer is expected", e);
        }
    }

    /** A mean without its variance would silently restart at zero: reject it. */
    private static void checkPaired(Map<String, Map<Device, NDArray>> newMeans,
            Map<String, Map<Device, NDArray>> newVariances, ParameterList parameters) {
        for (int i = 0; i < parameters.size(); i++) {
            String id = parameters.valueAt(i).getId();
            Set<Device> meanDevices = newMeans.getOrDefault(id, Map.of()).keySet();
            Set<Device> varianceDevices = newVariances.getOrDefault(id, Map.of()).keySet();
            if (!meanDevices.equals(varianceDevices)) {
                throw new IllegalArgumentException("parameter " + i + " '" + parameters.keyAt(i) + "' has means on "
                        + meanDevices + " but variances on " + varianceDevices
                        + ": the state must hold both on the same devices");
            }
        }
    }

    private static void replace(Map<String, Map<Device, NDArray>> state, Map<String, Map<Device, NDArray>> with) {
        state.values().forEach(byDevice -> byDevice.values().forEach(NDArray::close));
        state.clear();
        state.putAll(with);
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
