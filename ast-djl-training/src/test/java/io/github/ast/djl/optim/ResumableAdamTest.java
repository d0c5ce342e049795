package io.github.ast.djl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ResumableAdam computes what DJL's Adam computes, and its exported state makes a resumed run end exactly. */
class ResumableAdamTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final int BATCH = 32;
    private static final int STEPS = 10;
    private static final Shape INPUT = new Shape(1, FEATURES);

    // Non-default everywhere, and a learning rate that depends on the update count.
    private static final float WEIGHT_DECAY = 1e-3f;
    private static final float CLIP = 2f;
    private static final float RESCALE = 0.5f;
    private static final float BETA1 = 0.8f;
    private static final float BETA2 = 0.99f;
    private static final float EPSILON = 1e-7f;

    private static Tracker learningRate() {
        return Tracker.factor().setBaseValue(0.02f).setFactor(0.9f).build();
    }

    private static ResumableAdam resumableAdam() {
        return ResumableAdam.builder().optLearningRateTracker(learningRate()).optBeta1(BETA1).optBeta2(BETA2)
                .optEpsilon(EPSILON).optWeightDecays(WEIGHT_DECAY).optClipGrad(CLIP).setRescaleGrad(RESCALE).build();
    }

    private static Optimizer djlAdam() {
        return Optimizer.adam().optLearningRateTracker(learningRate()).optBeta1(BETA1).optBeta2(BETA2)
                .optEpsilon(EPSILON).optWeightDecays(WEIGHT_DECAY).optClipGrad(CLIP).setRescaleGrad(RESCALE).build();
    }

    private static SequentialBlock net(int hidden, boolean relu) {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(hidden).build());
        if (relu) {
            block.add(Activation.reluBlock());
        }
        return block.add(Linear.builder().setUnits(CLASSES).build());
    }

    /** A model initialised from a seed; the block is initialised before any trainer exists (see resume()). */
    private static Model model(String engine, int seed, SequentialBlock block) {
        Model model = Model.newInstance("m" + seed, Device.cpu(), engine);
        model.getNDManager().getEngine().setRandomSeed(seed);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
        return model;
    }

    private static Model model(String engine, int seed) {
        return model(engine, seed, net(16, true));
    }

    private static Trainer trainer(Model model, Optimizer optimizer) {
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(INPUT); // keeps the parameters already initialised
        return trainer;
    }

    /** The same batches for every run on an engine: {x, y} pairs. */
    private static List<NDList> batches(NDManager m) {
        m.getEngine().setRandomSeed(1);
        List<NDList> batches = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            NDArray y = m.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT32).toType(DataType.FLOAT32, false);
            NDArray x = m.randomNormal(new Shape(BATCH, FEATURES)).add(y.reshape(BATCH, 1));
            batches.add(new NDList(x, y));
        }
        return batches;
    }

    private static void train(Trainer trainer, List<NDList> batches, int from, int to) {
        for (int i = from; i < to; i++) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(new NDList(batches.get(i).get(0)));
                collector.backward(trainer.getLoss().evaluate(new NDList(batches.get(i).get(1)), predictions));
            }
            trainer.step();
        }
    }

    private static float[] parameters(Model model) {
        ParameterList parameters = model.getBlock().getParameters();
        List<float[]> arrays = new ArrayList<>();
        int size = 0;
        for (int i = 0; i < parameters.size(); i++) {
            arrays.add(parameters.valueAt(i).getArray().toFloatArray());
            size += arrays.get(i).length;
        }
        float[] all = new float[size];
        int at = 0;
        for (float[] array : arrays) {
            System.arraycopy(array, 0, all, at, array.length);
            at += array.length;
        }
        return all;
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** A checkpoint's bytes, as a file would hold them. */
    private static byte[] encode(NDList list) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.encode(out);
        return out.toByteArray();
    }

    private static NDList decode(NDManager manager, byte[] bytes) {
        return NDList.decode(manager, new ByteArrayInputStream(bytes));
    }

    /** The trained state of a 5-step run: {parameters, optimiser state}, encoded. */
    private static byte[][] checkpointAfterHalf(String engine, NDManager m, List<NDList> batches) throws IOException {
        try (NDManager exported = m.newSubManager(); Model model = model(engine, 7)) {
            ResumableAdam adam = resumableAdam();
            try (Trainer trainer = trainer(model, adam)) {
                train(trainer, batches, 0, STEPS / 2);
            }
            ParameterList parameters = model.getBlock().getParameters();
            NDList weights = new NDList();
            for (int i = 0; i < parameters.size(); i++) {
                NDArray copy = parameters.valueAt(i).getArray().duplicate();
                copy.attach(exported);
                weights.add(copy);
            }
            return new byte[][] {encode(weights), encode(adam.exportState(parameters, exported))};
        }
    }

    /** Restores the checkpoint into a differently initialised model and trains the second half. */
    private static float[] resume(String engine, NDManager m, List<NDList> batches, byte[][] checkpoint,
            boolean importState) {
        try (NDManager restored = m.newSubManager(); Model model = model(engine, 99)) {
            ParameterList parameters = model.getBlock().getParameters();
            NDList saved = decode(restored, checkpoint[0]);
            for (int i = 0; i < parameters.size(); i++) {
                saved.get(i).copyTo(parameters.valueAt(i).getArray()); // before the trainer: MXNet's KVStore copies
            }
            ResumableAdam adam = resumableAdam();
            try (Trainer trainer = trainer(model, adam)) {
                if (importState) {
                    adam.importState(parameters, decode(restored, checkpoint[1]));
                }
                train(trainer, batches, STEPS / 2, STEPS);
            }
            return parameters(model);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void computesExactlyWhatDjlsAdamComputes(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            List<NDList> batches = batches(m);
            float[] djl;
            try (Model model = model(engine, 7); Trainer trainer = trainer(model, djlAdam())) {
                train(trainer, batches, 0, STEPS);
                djl = parameters(model);
            }
            float[] initial;
            float[] resumable;
            try (Model model = model(engine, 7)) {
                initial = parameters(model);
                try (Trainer trainer = trainer(model, resumableAdam())) {
                    train(trainer, batches, 0, STEPS);
                }
                resumable = parameters(model);
            }
            assertThat(maxAbsDifference(djl, initial)).as("training moved the parameters").isGreaterThan(1e-2f);
            assertThat(resumable).containsExactly(djl);
        }
    }

    /** A start count other than zero (the builder's own copy of DJL's private one) also changes nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aLaterStartCountComputesWhatDjlsAdamComputes(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            List<NDList> batches = batches(m);
            float[] djl;
            try (Model model = model(engine, 7);
                    Trainer trainer = trainer(model, Optimizer.adam().optBeginNumUpdate(3).build())) {
                train(trainer, batches, 0, STEPS);
                djl = parameters(model);
            }
            float[] fromZero;
            try (Model model = model(engine, 7); Trainer trainer = trainer(model, ResumableAdam.builder().build())) {
                train(trainer, batches, 0, STEPS);
                fromZero = parameters(model);
            }
            try (Model model = model(engine, 7);
                    Trainer trainer = trainer(model, ResumableAdam.builder().optBeginNumUpdate(3).build())) {
                train(trainer, batches, 0, STEPS);
                assertThat(parameters(model)).containsExactly(djl);
            }
            assertThat(maxAbsDifference(fromZero, djl)).as("the start count matters").isGreaterThan(0f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedRunEndsExactlyLikeAnUninterruptedOne(String engine) throws IOException {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            List<NDList> batches = batches(m);
            float[] uninterrupted;
            try (Model model = model(engine, 7); Trainer trainer = trainer(model, resumableAdam())) {
                train(trainer, batches, 0, STEPS);
                uninterrupted = parameters(model);
            }
            byte[][] checkpoint = checkpointAfterHalf(engine, m, batches);

            float[] resumed = resume(engine, m, batches, checkpoint, true);
            assertThat(resumed).containsExactly(uninterrupted);

            // Without the optimiser state the same checkpoint ends elsewhere: the test above is not vacuous.
            float[] restarted = resume(engine, m, batches, checkpoint, false);
            assertThat(maxAbsDifference(restarted, uninterrupted)).isGreaterThan(1e-3f);
        }
    }

    /**
     * Imported moments own their memory: overwriting the decoded arrays afterwards changes nothing. On PyTorch a
     * same-device {@code toDevice(device, true)} is an alias of the decoded array, whose memory a Java buffer owns;
     * keeping such an alias crashed a resumed demo run in native code once the buffer was collected.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void importedStateDoesNotAliasTheDecodedArrays(String engine) throws IOException {
        try (NDManager m = Engine.getEngine(engine).newBaseManager(); Model model = model(engine, 3)) {
            byte[][] checkpoint = checkpointAfterHalf(engine, m, batches(m));
            NDList state = decode(m, checkpoint[1]);
            ResumableAdam adam = resumableAdam();
            ParameterList parameters = model.getBlock().getParameters();
            adam.importState(parameters, state);
            float[] mean = state.get(2).toFloatArray();
            state.forEach(array -> array.muli(0));
            NDList exported = adam.exportState(parameters, m);
            assertThat(exported.get(2).getName()).isEqualTo(state.get(2).getName());
            assertThat(exported.get(2).toFloatArray()).containsExactly(mean);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theStateSurvivesEncodingWithItsNames(String engine) throws IOException {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            byte[][] checkpoint = checkpointAfterHalf(engine, m, batches(m));
            NDList state = decode(m, checkpoint[1]);
            // 4 parameters, each with a mean and a variance on the CPU, after the two counters.
            assertThat(state).hasSize(2 + 2 * 4);
            assertThat(state.get(0).getName()).isEqualTo("adam.counts");
            assertThat(state.get(0).toIntArray()).containsExactly(5, 5, 5, 5);
            assertThat(state.get(1).getName()).isEqualTo("adam.numUpdate");
            assertThat(state.get(1).toIntArray()).containsExactly(5);
            assertThat(state.get(2).getName()).isEqualTo("adam.mean:0:cpu:-1:01Linear_weight");
            assertThat(state.get(3).getName()).isEqualTo("adam.variance:0:cpu:-1:01Linear_weight");
            assertThat(state.get(2).getShape()).isEqualTo(new Shape(16, FEATURES));
            assertThat(state.get(9).getName()).isEqualTo("adam.variance:3:cpu:-1:03Linear_bias");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aStateThatDoesNotFitTheModelIsRejectedClearly(String engine) throws IOException {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            byte[][] checkpoint = checkpointAfterHalf(engine, m, batches(m));
            NDList state = decode(m, checkpoint[1]);
            try (Model fewer = model(engine, 3, new SequentialBlock().add(Linear.builder().setUnits(CLASSES).build()))) {
                assertThatThrownBy(() -> resumableAdam().importState(fewer.getBlock().getParameters(), state))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("the state holds counters for 4 parameters but the model has 2");
            }
            try (Model narrower = model(engine, 3, net(8, true))) {
                assertThatThrownBy(() -> resumableAdam().importState(narrower.getBlock().getParameters(), state))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("state array 'adam.mean:0:cpu:-1:01Linear_weight' is float32 (16, 8) but "
                                + "parameter 0 '01Linear_weight' is float32 (8, 8)");
            }
            // Same count and shapes, another structure: the names tell them apart.
            try (Model noRelu = model(engine, 3, net(16, false))) {
                assertThatThrownBy(() -> resumableAdam().importState(noRelu.getBlock().getParameters(), state))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("state array 'adam.mean:2:cpu:-1:03Linear_weight' is for parameter 2 named "
                                + "'03Linear_weight' but the model's parameter 2 is '02Linear_weight'");
            }
            try (Model same = model(engine, 3)) {
                ParameterList parameters = same.getBlock().getParameters();
                assertThatThrownBy(() -> resumableAdam().importState(parameters, new NDList(state.get(2))))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("the state has no array named 'adam.counts': it was not exported by ResumableAdam");
                NDList meanWithoutVariance = new NDList(state.get(0), state.get(1), state.get(2));
                assertThatThrownBy(() -> resumableAdam().importState(parameters, meanWithoutVariance))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("parameter 0 '01Linear_weight' has means on [cpu()] but variances on []: the "
                                + "state must hold both on the same devices");
            }
        }
    }

    @Test
    void settingsOutsideTheirRangeAreRejected() {
        assertThatThrownBy(() -> ResumableAdam.builder().optBeta1(1f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("beta1=1.0 must be in [0, 1)");
        assertThatThrownBy(() -> ResumableAdam.builder().optEpsilon(0f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("epsilon=0.0 must be finite and > 0");
        assertThatThrownBy(() -> ResumableAdam.builder().optBeginNumUpdate(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("beginNumUpdate=-1 must be >= 0");
    }
}
