package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.util.Progress;
import io.github.ast.api.BatchEnergy;
import io.github.ast.api.ConfigurationException;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input that cannot work is refused or reported, not accepted without a word: an empty validation set (before, it
 * was silently treated as none), controller gains that pin the threshold, warm-up epochs that leave nothing to
 * select, and epoch figures with nothing to average (printed as NaN).
 */
class UnworkableInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anEmptyValidationSetIsAnErrorNamingTheArgument(String engine) throws Exception {
        try (NDManager m = Engine.getEngine(engine).newBaseManager();
                Model model = Model.newInstance("empty-validation", Device.cpu(), engine);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            float[] before = ReliabilityTest.parameters(trainer);
            ArrayDataset empty = new ArrayDataset.Builder().setData(m.zeros(new Shape(0, 8)))
                    .optLabels(m.zeros(new Shape(0))).setSampling(16, false).build();
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(ReliabilityTest.config(engine));
            assertThatThrownBy(() -> ast.fit(trainer, 2, ReliabilityTest.data(m), empty))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("validationSet is empty");
            assertThat(ReliabilityTest.parameters(trainer)).as("refused before training").containsExactly(before);

            // A dataset that does not tell its size and yields nothing fails at the first validation.
            Dataset yieldsNothing = new Dataset() {
                @Override
                public Iterable<Batch> getData(NDManager manager) {
                    return Collections::emptyIterator;
                }

                @Override
                public void prepare(Progress progress) {}
            };
            assertThatThrownBy(() -> ast.fit(trainer, 2, ReliabilityTest.data(m), yieldsNothing))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("validationSet yielded no rows");
        }
    }

    @Test
    void gainsThatMoveTheThresholdAcrossItsRangeOnOnePointAreRefused() {
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().setting("controller.kp", "1e308")
                .build())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.controller.kp=1.0E308 is invalid; it must be below the threshold's "
                        + "range (1.0) per percentage point");
        assertThatThrownBy(() -> AdaptiveSparseTraining.create(AstConfig.builder().setting("controller.ki", "2")
                .build())).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ast.controller.ki=2.0 is invalid; it must be below the threshold's range");
        // A wider range allows a proportionally larger gain.
        AdaptiveSparseTraining.create(AstConfig.builder().setting("controller.kp", "2")
                .setting("controller.maxThreshold", "10").build());
    }

    @Test
    void warmUpAndAnnealingThatLeaveNoSelectingEpochAreReported() {
        SelectionConfig warmupTwo = new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 2, 0);
        assertThat(Validation.noSelectingEpoch(warmupTwo, 2)).isEqualTo("ast.warmupEpochs=2 and "
                + "ast.annealEpochs=0 leave no epoch of selection in a run of 2 epochs: every epoch trains on all "
                + "data. Together they must be below the run's epochs for it to select");
        assertThat(Validation.noSelectingEpoch(warmupTwo, 3)).isNull();
        assertThat(Validation.noSelectingEpoch(new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 1, 1), 2))
                .contains("in a run of 2 epochs");
    }

    @Test
    void figuresWithNothingToAverageArePrintedAsADash() {
        EpochStats nothingScored = new EpochStats(1, 3, SelectionConfig.Phase.SPARSE, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.3, Double.NaN, Map.of("unit", new BatchEnergy(1, 1)),
                Double.NaN, 10, 0, 0, 1.5, 0, 1280, 1280, 1280, 1, 0, 0, "");
        assertThat(nothingScored.line()).doesNotContain("NaN")
                .startsWith("Epoch 1/3 | Loss: - | Acc:     - | Act:     - | Save:   0.0% | Thr: - | 1.5s");
    }
}
