package io.github.ast.djl.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
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
 * {@link ResumableAdam}'s state: the moments per parameter and device, and the update counters DJL keeps private,
 * with their export to named arrays and their checked import. Apart from the update rule, so that what a checkpoint
 * holds, and how a state that does not fit the model is rejected, can be read in one place.
 */
final class AdamState {

    private static final String COUNTS = "adam.counts";
    private static final String NUM_UPDATE = "adam.numUpdate";
    private static final String MEAN = "adam.mean";
    private static final String VARIANCE = "adam.variance";

    private final int beginNumUpdate;
    // Keyed by Parameter.getId(), as update() is called; positions only appear on export and import.
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicInteger numUpdate = new AtomicInteger();
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

    /** @param beginNumUpdate the update count the counters start from */
    AdamState(int beginNumUpdate) {
        this.beginNumUpdate = beginNumUpdate;
    }

    /** The first moments, per parameter id and device. */
    Map<String, Map<Device, NDArray>> means() {
        return means;
    }

    /** The second moments, per parameter id and device. */
    Map<String, Map<Device, NDArray>> variances() {
        return variances;
    }

    /** DJL's {@code Optimizer.updateCount}: counts per parameter, returns the largest count so far. */
    int nextTimeStep(String parameterId) {
        int count = counts.merge(parameterId, beginNumUpdate + 1, (old, first) -> old + 1);
        return numUpdate.accumulateAndGet(count, Math::max);
    }

    /**
     * Copies the state into named arrays; see {@link ResumableAdam} for their names.
     *
     * @see ResumableOptimizer#exportState
     */
    NDList export(ParameterList parameters, NDManager manager) {
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
     * Replaces the state with an exported one, checked entirely before anything changes.
     *
     * @see ResumableOptimizer#importState
     */
    void restore(ParameterList parameters, NDList state) {
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
                            + "' in the state: ResumableAdam exports only " + COUNTS + ", "
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
}
