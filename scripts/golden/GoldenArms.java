package io.github.ast.examples.benchmark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.ast.core.AstConfig;
import io.github.ast.djl.schedule.BudgetTracker;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.datakinds.Deduplication;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Runs every kind of benchmark arm for 300 batches of the embedded Fashion-MNIST slice on both engines, on a clock
 * that advances 10 ms per batch (so the learning rate, the evaluations and the measured batch times do not depend on
 * the machine's speed), and prints each run's evaluations to 17 digits and a CRC of its gate rates and thresholds.
 * {@code scripts/same-as-commit.sh} runs it against two builds. Bit for bit only on one machine.
 */
public final class GoldenArms {

    private static final List<String> ARMS = List.of("full", "random-batch@0.1", "rs2@0.3", "infobatch@0.3",
            "infobatch@0.3:random", "seed", "seed:random", "ast-100", "sb@1", "sb@2:random", "stale-sb",
            "stale-sb:random", "importance", "importance:random", "rho-loss", "rho-loss@1:random", "auto",
            "seed-every@4");

    /** 10 ms a batch. */
    private static final long TICK = 10_000_000L;

    public static void main(String[] args) throws Exception {
        for (String engine : new String[] {"PyTorch", "MXNet"}) {
            try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
                BenchmarkData data = BenchmarkData.split(FashionMnist.loadEmbedded(manager), 1000, 3000,
                        new DataKind(0.2, DataKind.NoiseKind.SYMMETRIC, 1, 0, 0, 0));
                for (String model : new String[] {"mlp", "cnn-gap"}) {
                    ArmRunner.Setup setup = new ArmRunner.Setup(engine, model, 64, 3.0, 1.0,
                            BudgetTracker.Shape.of("cosine"), 1e-3f, 0.05, AstConfig.builder().engine(engine).build(),
                            Deduplication.DEFAULT_THRESHOLD);
                    List<String> arms = model.equals("mlp") ? ARMS : List.of("seed-down@2", "seed");
                    for (String label : arms) {
                        long[] now = {0};
                        ArmRunner runner = new ArmRunner(setup, data, new ArmRunner.TimeSource() {
                            @Override
                            public long nanos() {
                                return now[0];
                            }

                            @Override
                            public void afterBatch() {
                                now[0] += TICK;
                            }
                        });
                        RunRecord run = runner.run(Arm.parse(label, setup.astConfig().target().targetRate()), 1);
                        StringBuilder line = new StringBuilder(engine + " " + model + " arm " + label);
                        for (Evaluation e : run.evaluations()) {
                            line.append(String.format(Locale.ROOT, " [%.17g %d %d %d %d %.17g %.17g %.17g %.17g]",
                                    e.seconds(), e.epoch(), e.batches(), e.forwarded(), e.backpropagated(),
                                    e.learningRate(), e.testAccuracy(), e.testLoss(), e.validationLoss()));
                        }
                        CRC32 crc = new CRC32();
                        for (int i = 0; i < run.gateRates().size(); i++) {
                            crc.update(Float.floatToRawIntBits(run.gateRates().get(i)));
                            crc.update(Float.floatToRawIntBits(run.thresholds().get(i)));
                        }
                        line.append(" skipped ").append(run.skippedBatches()).append(" fallbacks ")
                                .append(run.fallbacks()).append(" gates ").append(Long.toHexString(crc.getValue()));
                        System.out.println(line);
                    }
                }
            }
        }
    }
}
