import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.EpochStats;
import io.github.ast.core.RunReport;
import io.github.ast.core.SelectionConfig;
import java.util.zip.CRC32;

/**
 * Trains four configurations (the default; the probabilistic gate with fallback; exploration with 1/p weights; history
 * selection with warm-up and annealing) on both engines for 4 epochs of a small synthetic set, and prints a CRC of
 * the trained parameters' bits and each epoch's figures to 17 digits. {@code scripts/same-as-commit.sh} runs it
 * against two builds: a refactoring that keeps behaviour prints the same lines. Bit-for-bit only on one machine.
 */
public class Golden {
    public static void main(String[] args) throws Exception {
        for (String engine : new String[] {"PyTorch", "MXNet"}) {
            AstConfig[] configs = {
                AstConfig.builder().engine(engine).meter("none").build(),
                AstConfig.builder().engine(engine).targetRate(0.25).meter("none").gate("probabilistic").minActive(20)
                        .reseedEvery(5).build(),
                AstConfig.builder().engine(engine).targetRate(0.25).meter("none").reseedEvery(7)
                        .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.3, true, 0, 0)).build(),
                AstConfig.builder().engine(engine).targetRate(0.25).meter("none")
                        .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.25, true, 1, 1)).build()};
            for (int c = 0; c < configs.length; c++) {
                try (NDManager m = Engine.getEngine(engine).newBaseManager();
                        Model model = Model.newInstance("g", Device.cpu(), engine)) {
                    m.getEngine().setRandomSeed(1);
                    int n = 1024;
                    NDArray labels = m.randomInteger(0, 4, new Shape(n), DataType.INT32).toType(DataType.FLOAT32, false);
                    NDArray x = m.randomNormal(new Shape(n, 8)).mul(0.5f).add(labels.reshape(n, 1));
                    ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(labels).setSampling(64, true).build();
                    m.getEngine().setRandomSeed(7);
                    model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                            .add(Activation.reluBlock()).add(Linear.builder().setUnits(4).build()));
                    try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                            .optDevices(new Device[] {Device.cpu()}))) {
                        trainer.initialize(new Shape(1, 8));
                        RunReport report = AdaptiveSparseTraining.create(configs[c]).fit(trainer, 4, data, data);
                        CRC32 crc = new CRC32();
                        for (var p : trainer.getModel().getBlock().getParameters()) {
                            for (float v : p.getValue().getArray().toFloatArray()) {
                                int bits = Float.floatToRawIntBits(v);
                                crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
                            }
                        }
                        StringBuilder figures = new StringBuilder();
                        for (EpochStats e : report.epochs()) {
                            figures.append(String.format(java.util.Locale.ROOT, " [%.17g %.17g %.17g %.17g %.17g %.17g %d]",
                                    e.trainLoss(), e.validationAccuracy(), e.activationRate(), e.gateRate(),
                                    e.threshold(), e.energy().savings(), e.fallbackBatches()));
                        }
                        System.out.println(engine + " config " + c + " params crc " + Long.toHexString(crc.getValue()) + figures);
                    }
                }
            }
        }
    }
}
