package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A run's selections do not depend on what else the JVM draws from the engine's process-wide generator. Before,
 * AST's gates, exploration and sampling policies drew from it, so another thread's draws changed a seeded run's
 * selections and parameters.
 */
class OwnedRandomnessTest {

    private static final String ENGINE = "PyTorch"; // its ops may be called from several threads at once

    private static float[] train(AstConfig config, boolean busyNeighbour) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong draws = new AtomicLong();
        Thread neighbour = new Thread(() -> {
            try (NDManager m = Engine.getEngine(ENGINE).newBaseManager()) {
                while (running.get()) {
                    try (NDManager scope = m.newSubManager()) {
                        scope.randomUniform(0f, 1f, new Shape(16)).toFloatArray();
                        draws.incrementAndGet();
                    }
                }
            }
        });
        try (NDManager m = Engine.getEngine(ENGINE).newBaseManager();
                Model model = Model.newInstance("owned", Device.cpu(), ENGINE);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            var data = ReliabilityTest.data(m);
            if (busyNeighbour) {
                neighbour.start();
            }
            AdaptiveSparseTraining.create(config).fit(trainer, 2, data, null);
            running.set(false);
            if (busyNeighbour) {
                neighbour.join();
                assertThat(draws.get()).as("the neighbour drew while the run trained").isPositive();
            }
            return ReliabilityTest.parameters(trainer);
        }
    }

    @Test
    void anotherThreadDrawingFromTheEngineChangesNothing() throws Exception {
        AstConfig probabilistic = AstConfig.builder().engine(ENGINE).targetRate(0.25).meter("none")
                .gate("probabilistic").selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.05, true, 0, 0))
                .build();
        AstConfig selectiveBackprop = AstConfig.builder().engine(ENGINE).meter("none").policy("selective-backprop")
                .scorer("loss").backwardBatch(48).build();
        for (AstConfig config : new AstConfig[] {probabilistic, selectiveBackprop}) {
            float[] alone = train(config, false);
            assertThat(train(config, true)).as(config.plugins().policy()).containsExactly(alone);
        }
    }
}
