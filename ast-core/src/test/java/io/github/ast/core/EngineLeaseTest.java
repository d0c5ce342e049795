package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two runs at once on PyTorch: before the lease, one died mid-epoch with DJL's "A PtGradientCollector is already
 * collecting"; now the second fails at its start, naming the limit, and the first finishes.
 */
class EngineLeaseTest {

    @Test
    void aSecondConcurrentRunOnPyTorchFailsAtItsStartAndTheFirstFinishes() throws Exception {
        String engine = "PyTorch";
        CountDownLatch firstIsTraining = new CountDownLatch(1);
        CountDownLatch secondHasTried = new CountDownLatch(1);
        TrainingObserver waiting = new TrainingObserver() {
            @Override
            public void onBatch(int epoch, BatchResult result) {
                firstIsTraining.countDown();
                try {
                    secondHasTried.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<RunReport> first = CompletableFuture.supplyAsync(() -> {
            try (NDManager m = Engine.getEngine(engine).newBaseManager();
                    Model model = Model.newInstance("first", Device.cpu(), engine);
                    Trainer trainer = ReliabilityTest.trainer(model, 7)) {
                return AdaptiveSparseTraining.create(ReliabilityTest.config(engine)).fit(trainer, 1,
                        ReliabilityTest.data(m), null, waiting, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(firstIsTraining.await(60, TimeUnit.SECONDS)).isTrue();
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("second", Device.cpu(), engine);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            assertThatThrownBy(() -> AdaptiveSparseTraining.create(ReliabilityTest.config(engine)).fit(trainer, 1,
                    ReliabilityTest.data(m), null)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another AdaptiveSparseTrainer.fit is training on PyTorch in this JVM")
                    .hasMessageContaining("one gradient collector per process");
        } finally {
            secondHasTried.countDown();
        }
        assertThat(first.get(120, TimeUnit.SECONDS).epochs()).hasSize(1);

        // Once the first run is over, the next one trains.
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("third", Device.cpu(), engine);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            assertThat(AdaptiveSparseTraining.create(ReliabilityTest.config(engine)).fit(trainer, 1,
                    ReliabilityTest.data(m), null).epochs()).hasSize(1);
        }
    }
}
