package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImportancePolicyTest {

    private static final int PRESAMPLE = 96;

    private static ImportancePolicy.Options options(boolean switching, double costRatio) {
        return new ImportancePolicy.Options(3, new ImportanceOptions(0.2, 0.9, 5,
                Double.isNaN(costRatio) ? ImportanceOptions.MEASURED : Double.toString(costRatio),
                ImportanceOptions.Score.LOSS), false, switching);
    }

    /** A batch whose per-sample losses are given; the other parts are placeholders of the right size. */
    private static PolicyBatch batch(NDManager m, NDArray losses) {
        int size = Math.toIntExact(losses.size());
        NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
        return new PolicyBatch(new ScoringBatch(placeholder, placeholder, placeholder, losses), null);
    }

    /**
     * On a linear model (loss ½r², gradient r·x), the weighted mean gradient of the drawn rows, averaged over many
     * seeded draws, is the presample's mean gradient; the same draws unweighted are far from it (the test's power).
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void weightedGradientEqualsThePresampleMeanGradientInExpectation(String engine) {
        Random random = new Random(7);
        int features = 4;
        double[][] x = new double[PRESAMPLE][features];
        double[] residual = new double[PRESAMPLE];
        float[] losses = new float[PRESAMPLE];
        double[] full = new double[features];
        for (int i = 0; i < PRESAMPLE; i++) {
            residual[i] = random.nextGaussian() * Math.exp(random.nextGaussian()) + 0.3;
            losses[i] = (float) (0.5 * residual[i] * residual[i]);
            for (int f = 0; f < features; f++) {
                x[i][f] = random.nextGaussian();
                full[f] += residual[i] * x[i][f] / PRESAMPLE;
            }
        }
        int repetitions = 4000;
        double[] weighted = new double[features];
        double[] unweighted = new double[features];
        Engine.getEngine(engine).setRandomSeed(3);
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            ImportancePolicy policy = new ImportancePolicy(null, options(false, Double.NaN), new RunRandom(7));
            policy.start(run);
            for (int rep = 0; rep < repetitions; rep++) {
                try (NDManager m = run.newSubManager()) {
                    Selection selection = policy.select(batch(m, m.create(losses)));
                    long[] rows = selection.rows().toLongArray();
                    float[] w = selection.weights().toFloatArray();
                    assertThat(rows).hasSize(PRESAMPLE / 3);
                    for (int j = 0; j < rows.length; j++) {
                        assertThat(w[j]).isBetween(0f, 5f);
                        int row = Math.toIntExact(rows[j]);
                        for (int f = 0; f < features; f++) {
                            double gradient = residual[row] * x[row][f] / rows.length / repetitions;
                            weighted[f] += w[j] * gradient;
                            unweighted[f] += gradient;
                        }
                    }
                }
            }
        }
        assertThat(distance(weighted, full) / norm(full)).as("weighted").isLessThan(0.05);
        assertThat(distance(unweighted, full) / norm(full)).as("unweighted").isGreaterThan(0.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void tauIsOneForUniformProbabilitiesAndGrowsAsTheyConcentrate(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            assertThat(PresampleDraw.tau(PresampleDraw.probabilities(m.ones(new Shape(64)), 0.2)).getFloat())
                    .isCloseTo(1f, within(1e-4f));
            float[] oneHot = new float[64];
            oneHot[5] = 1;
            NDArray p = PresampleDraw.probabilities(m.create(oneHot), 0);
            assertThat(p.sum().getFloat()).isCloseTo(1f, within(1e-5f));
            assertThat(PresampleDraw.tau(p).getFloat()).isCloseTo(8f, within(1e-3f)); // √64
            assertThat(PresampleDraw.tau(PresampleDraw.probabilities(m.create(oneHot), 0.2)).getFloat())
                    .as("the uniform share bounds τ").isLessThan(8f * 0.81f);
        }
    }

    /**
     * With a fixed price of scoring (τ must exceed 1.5), uniform scores never turn importance sampling on; a
     * heavy-tailed stream does after the first batch, whose free losses give τ.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, false", "PyTorch, true", "MXNet, false", "MXNet, true"})
    void switchIsOffOnUniformScoresAndOnOnAHeavyTailedStream(String engine, boolean heavyTailed) {
        Engine.getEngine(engine).setRandomSeed(9);
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            ImportancePolicy policy = new ImportancePolicy(null, options(true, 0.5), new RunRandom(7));
            policy.start(run);
            int scored = 0;
            for (int b = 0; b < 60; b++) {
                try (NDManager m = run.newSubManager()) {
                    NDArray losses = heavyTailed ? m.randomNormal(new Shape(PRESAMPLE)).mul(3f).exp()
                            : m.ones(new Shape(PRESAMPLE));
                    Selection unscored = policy.selectUnscored(PRESAMPLE, m);
                    if (unscored == null) {
                        scored++;
                        policy.accept(policy.select(batch(m, losses)));
                    } else {
                        assertThat(unscored.weights()).isNull();
                        assertThat(unscored.rows().toLongArray()).doesNotHaveDuplicates().hasSize(PRESAMPLE / 3);
                        policy.accept(unscored);
                        policy.trained(losses.get(new NDIndex("{}", unscored.rows())));
                    }
                }
            }
            assertThat(policy.threshold()).isEqualTo(1.5);
            if (heavyTailed) {
                assertThat(scored).isGreaterThanOrEqualTo(59);
                assertThat(policy.tau()).isGreaterThan(2);
            } else {
                assertThat(scored).isZero();
                assertThat(policy.tau()).isCloseTo(1, within(1e-3));
            }
        }
    }

    /**
     * With a measured cost, the first batches probe both kinds; then the medians of their times decide: a scored
     * batch 10 times as long as an unscored one is above any τ the uniform share allows (at most √(96 · 0.802²) ≈
     * 7.9), one 1.1 times as long is below a heavy-tailed stream's τ.
     */
    @ParameterizedTest
    @CsvSource({"PyTorch, 100, uuuu", "PyTorch, 11, SSSS", "MXNet, 100, uuuu", "MXNet, 11, SSSS"})
    void measuredSwitchProbesBothKindsThenComparesTheirTimes(String engine, long scoredTime, String after) {
        Engine.getEngine(engine).setRandomSeed(4);
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            ImportancePolicy policy = new ImportancePolicy(null, options(true, Double.NaN), new RunRandom(7));
            policy.start(run);
            StringBuilder kinds = new StringBuilder();
            for (int b = 0; b < 12; b++) {
                try (NDManager m = run.newSubManager()) {
                    NDArray losses = m.randomNormal(new Shape(PRESAMPLE)).mul(3f).exp();
                    Selection unscored = policy.selectUnscored(PRESAMPLE, m);
                    boolean scored = unscored == null;
                    kinds.append(scored ? 'S' : 'u');
                    if (scored) {
                        policy.accept(policy.select(batch(m, losses)));
                    } else {
                        policy.accept(unscored);
                        policy.trained(losses.get(new NDIndex("{}", unscored.rows())));
                    }
                    policy.batchTime(scored, scored ? scoredTime : 10);
                }
            }
            assertThat(kinds.substring(0, 8)).isEqualTo("SSSSuuuu");
            assertThat(policy.threshold()).as("the first of each kind is warm-up").isEqualTo(scoredTime / 10.0);
            assertThat(kinds.substring(8)).isEqualTo(after);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void exportedStateRestoresTauAndTheTimes(String engine) {
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            ImportancePolicy original = new ImportancePolicy(null, options(true, Double.NaN), new RunRandom(7));
            original.start(run);
            for (int b = 0; b < 6; b++) {
                try (NDManager m = run.newSubManager()) {
                    if (original.selectUnscored(PRESAMPLE, m) == null) {
                        original.select(batch(m, m.randomUniform(0f, 1f, new Shape(PRESAMPLE))));
                    }
                    original.batchTime(b < 4, 100 + b);
                }
            }
            ImportancePolicy restored = new ImportancePolicy(null, options(true, Double.NaN), new RunRandom(7));
            restored.start(run);
            try (NDManager scratch = run.newSubManager()) {
                restored.restoreState(original.exportState(scratch));
            }
            assertThat(restored.tau()).isEqualTo(original.tau());
            assertThat(restored.threshold()).isEqualTo(original.threshold()).isEqualTo(102.0 / 105);
            try (NDManager m = run.newSubManager()) {
                assertThat(restored.selectUnscored(PRESAMPLE, m) == null)
                        .isEqualTo(original.selectUnscored(PRESAMPLE, m) == null);
            }
        }
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    private static double norm(double[] a) {
        return distance(a, new double[a.length]);
    }
}
