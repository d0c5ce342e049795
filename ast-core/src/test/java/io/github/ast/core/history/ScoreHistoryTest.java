package io.github.ast.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScoreHistoryTest {

    private static void gathersWhatWasRecorded(NDManager m, ScoreHistory history) {
        ScoreHistory.Rows empty = history.gather(m.create(new long[] {0, 3}));
        assertThat(empty.unseen().toBooleanArray()).containsExactly(true, true);

        history.update(m.create(new long[] {3, 1}), m.create(new float[][] {{3, 30}, {1, 10}}),
                m.create(new float[] {0.3f, 0.1f}));
        ScoreHistory.Rows rows = history.gather(m.create(new long[] {1, 0, 3}));
        assertThat(rows.unseen().toBooleanArray()).containsExactly(false, true, false);
        assertThat(rows.losses().toFloatArray()).containsExactly(new float[] {0.1f, 0f, 0.3f}, within(1e-7f));
        assertThat(rows.outputs().toFloatArray()).containsExactly(1, 10, 0, 0, 3, 30);

        history.update(m.create(new long[] {1}), m.create(new float[][] {{-1, -10}}), m.create(new float[] {9f}));
        assertThat(history.gather(m.create(new long[] {1})).losses().toFloatArray()).containsExactly(9f);
        assertThat(history.size()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theEngineChoiceGathersWhatWasRecorded(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager(); ScoreHistory h = ScoreHistory.create(m, 5, 2)) {
            // PyTorch assigns through index arrays and keeps the history on the engine; MXNet cannot
            assertThat(h).isInstanceOf(engine.equals("PyTorch") ? EngineScoreHistory.class : HostScoreHistory.class);
            gathersWhatWasRecorded(m, h);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theHostHistoryWorksOnEveryEngine(String engine) {
        BiFunction<NDManager, Long, ScoreHistory> host = (m, size) -> new HostScoreHistory(m, size, 2);
        try (NDManager m = Engine.getEngine(engine).newBaseManager(); ScoreHistory h = host.apply(m, 5L)) {
            gathersWhatWasRecorded(m, h);
        }
    }

    /** A restored history owns its memory: overwriting the arrays it was restored from changes nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRestoredHistoryDoesNotAliasWhatItWasRestoredFrom(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager(); ScoreHistory h = ScoreHistory.create(m, 3, 2)) {
            h.update(m.create(new long[] {2}), m.create(new float[][] {{4, 5}}), m.create(new float[] {0.5f}));
            NDList saved = h.export(m);
            try (ScoreHistory restored = ScoreHistory.restore(m, saved)) {
                saved.forEach(array -> array.muli(0));
                ScoreHistory.Rows rows = restored.gather(m.create(new long[] {2}));
                assertThat(rows.unseen().toBooleanArray()).containsExactly(false);
                assertThat(rows.outputs().toFloatArray()).containsExactly(4, 5);
                assertThat(rows.losses().toFloatArray()).containsExactly(0.5f);
            }
        }
    }
}
