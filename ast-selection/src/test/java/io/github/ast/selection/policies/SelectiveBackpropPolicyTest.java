package io.github.ast.selection.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.api.PolicyBatch;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.ScoringBatch;
import io.github.ast.api.Selection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SelectiveBackpropPolicyTest {

    private static final int BATCH = 128;
    private static final Scorer LOSS = ScoringBatch::losses;

    /** A batch whose per-sample losses are given; the other parts are placeholders of the right size. */
    private static PolicyBatch batch(NDManager m, NDArray losses, NDArray unseen) {
        int size = Math.toIntExact(losses.size());
        NDList placeholder = new NDList(m.zeros(new Shape(size, 1)));
        return new PolicyBatch(new ScoringBatch(placeholder, placeholder, placeholder, losses), unseen);
    }

    /** On a stream of i.i.d. losses the CDF is uniform, so the kept fraction is E[U^β] = 1/(β + 1). */
    @ParameterizedTest
    @CsvSource({"PyTorch, 1", "PyTorch, 2", "PyTorch, 3", "MXNet, 1", "MXNet, 2", "MXNet, 3"})
    void keepsOneOverBetaPlusOneOfAStream(String engine, double beta) {
        Engine.getEngine(engine).setRandomSeed(5);
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            SelectiveBackpropPolicy policy = new SelectiveBackpropPolicy(LOSS, beta, 1024, new RunRandom(7));
            policy.start(run);
            long kept = 0;
            long seen = 0;
            for (int b = 0; b < 200; b++) {
                try (NDManager m = run.newSubManager()) {
                    Selection selection = policy.select(batch(m, m.randomNormal(new Shape(BATCH)).exp(), null));
                    policy.accept(selection);
                    if (b >= 8) { // once the window of 1024 is full
                        kept += selection.count();
                        seen += BATCH;
                    }
                    assertThat(selection.count()).isEqualTo(selection.gateActive());
                }
            }
            assertThat((double) kept / seen).isCloseTo(1 / (beta + 1), within(0.02));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theLargestLossAlwaysTrainsAndUnseenRowsTrainWhateverTheirScore(String engine) {
        try (NDManager run = Engine.getEngine(engine).newBaseManager()) {
            SelectiveBackpropPolicy policy = new SelectiveBackpropPolicy(LOSS, 3, 256, new RunRandom(7));
            policy.start(run);
            for (int b = 0; b < 50; b++) {
                try (NDManager m = run.newSubManager()) {
                    float[] losses = new float[8];
                    java.util.Arrays.fill(losses, 1f);
                    losses[b % 8] = 100f + b; // above every loss seen: CDF 1, kept with probability 1
                    boolean[] unseen = new boolean[8];
                    unseen[(b + 3) % 8] = true;
                    losses[(b + 3) % 8] = -1f; // below everything: CDF of its own rank only
                    Selection selection = policy.select(batch(m, m.create(losses), m.create(unseen)));
                    policy.accept(selection);
                    assertThat(selection.rows().toLongArray()).contains(b % 8, (b + 3) % 8);
                }
            }
        }
    }

    /** A policy restored from another's exported state selects what the other selects next. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void exportedStateRestoresTheWindow(String engine) {
        Engine e = Engine.getEngine(engine);
        try (NDManager run = e.newBaseManager()) {
            RunRandom[] randoms = {new RunRandom(7), new RunRandom(7), new RunRandom(7)};
            SelectiveBackpropPolicy original = new SelectiveBackpropPolicy(LOSS, 1, 300, randoms[0]);
            original.start(run);
            e.setRandomSeed(3);
            for (int b = 0; b < 5; b++) {
                try (NDManager m = run.newSubManager()) {
                    original.accept(original.select(batch(m, m.randomUniform(0f, 1f, new Shape(BATCH)), null)));
                }
            }
            SelectiveBackpropPolicy restored = new SelectiveBackpropPolicy(LOSS, 1, 300, randoms[1]);
            restored.start(run);
            try (NDManager scratch = run.newSubManager()) {
                restored.restoreState(original.exportState(scratch));
            }
            float[] losses;
            try (NDManager m = run.newSubManager()) {
                losses = m.randomUniform(0f, 1f, new Shape(BATCH)).toFloatArray();
            }
            long[][] rows = new long[2][];
            int i = 0;
            for (SelectiveBackpropPolicy policy : new SelectiveBackpropPolicy[] {original, restored}) {
                randoms[i].reseed(11);
                try (NDManager m = run.newSubManager()) {
                    rows[i++] = policy.select(batch(m, m.create(losses), null)).rows().toLongArray();
                }
            }
            assertThat(rows[1]).containsExactly(rows[0]);
            // and a fresh policy, whose window is empty, selects otherwise from the same draws
            SelectiveBackpropPolicy fresh = new SelectiveBackpropPolicy(LOSS, 1, 300, randoms[2]);
            fresh.start(run);
            randoms[2].reseed(11);
            try (NDManager m = run.newSubManager()) {
                assertThat(fresh.select(batch(m, m.create(losses), null)).rows().toLongArray())
                        .isNotEqualTo(rows[0]);
            }
        }
    }
}
