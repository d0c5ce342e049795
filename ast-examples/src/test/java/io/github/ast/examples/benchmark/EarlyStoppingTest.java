package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    private static Evaluation at(double seconds, double test, double holdout) {
        return new Evaluation(seconds, seconds, 1, (long) seconds, 0, 0, 1e-3, test, 1 - test, test, 1 - test,
                test / 2, Double.NaN, holdout);
    }

    @Test
    void reportsTheModelBestOnTheHoldoutSoFarAtEachEvaluationsTime() {
        EarlyStopping stopping = new EarlyStopping();
        assertThat(stopping.report(at(0, 0.1, 0.1)).testAccuracy()).isEqualTo(0.1);
        assertThat(stopping.report(at(3, 0.8, 0.7)).testAccuracy()).isEqualTo(0.8);
        // the model gets worse on the holdout (memorising noise): the earlier one is kept, at the new time
        Evaluation later = stopping.report(at(6, 0.75, 0.65));
        assertThat(later.testAccuracy()).isEqualTo(0.8);
        assertThat(later.worstClassAccuracy()).isEqualTo(0.4);
        assertThat(later.holdoutAccuracy()).isEqualTo(0.7);
        assertThat(later.scheduledSeconds()).isEqualTo(6);
        assertThat(later.batches()).isEqualTo(6);
        // a tie keeps the earlier model; a gain takes the new one
        assertThat(stopping.report(at(9, 0.9, 0.7)).testAccuracy()).isEqualTo(0.8);
        assertThat(stopping.report(at(12, 0.85, 0.71)).testAccuracy()).isEqualTo(0.85);
    }
}
