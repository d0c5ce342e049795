package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunRecordTest {

    private static Evaluation at(double scheduled, double seconds, double accuracy) {
        return new Evaluation(scheduled, seconds, 1, 0, 0, 0, 1e-3, accuracy, 0.5, accuracy, 0.5);
    }

    private static RunRecord run(Evaluation... evaluations) {
        return new RunRecord("full", 42, List.of(evaluations), 1, 0, 0, 0, 1, List.of(), List.of(), "test cpu", List.of());
    }

    @Test
    void timeToTargetIsTheFirstEvaluationAtOrAboveItOnTheEvaluationGrid() {
        RunRecord run = run(at(0, 0, 0.1), at(3, 3.02, 0.84), at(6, 6.01, 0.87), at(9, 9.05, 0.86),
                at(10, 10.01, 0.88));
        assertThat(run.secondsTo(0.84)).isEqualTo(3);
        assertThat(run.secondsTo(0.85)).isEqualTo(6);
        assertThat(run.secondsTo(0.88)).isEqualTo(10);
        RunRecord later = run(at(0, 0, 0.1), at(3, 3.09, 0.84));
        assertThat(Stats.speedUp(run.secondsTo(0.84), later.secondsTo(0.84))).as("same evaluation: a tie")
                .isEqualTo(1);
    }

    @Test
    void aTargetNeverReachedIsCensoredNotZero() {
        RunRecord run = run(at(0, 0, 0.1), at(10, 10.2, 0.8));
        assertThat(run.secondsTo(0.9)).isInfinite().isPositive();
    }

    @Test
    void accuracyAtATimeIsTheLastEvaluationScheduledByThen() {
        RunRecord run = run(at(0, 0, 0.1), at(3, 3.1, 0.5), at(6, 6.2, 0.7), at(7.5, 7.6, 0.75));
        assertThat(run.accuracyAt(Evaluation::testAccuracy, 2.9)).isEqualTo(0.1);
        assertThat(run.accuracyAt(Evaluation::testAccuracy, 3)).isEqualTo(0.5);
        assertThat(run.accuracyAt(Evaluation::testAccuracy, 7)).isEqualTo(0.7);
        assertThat(run.accuracyAt(Evaluation::testAccuracy, 7.5)).isEqualTo(0.75);
        assertThat(run(at(1, 1, 0.3)).accuracyAt(Evaluation::testAccuracy, 0.5)).isNaN();
    }

    @Test
    void accuracyAtATimeReadsTheSplitAskedFor() {
        RunRecord run = run(at(0, 0, 0.1), new Evaluation(3, 3.1, 1, 0, 0, 0, 1e-3, 0.5, 0.5, 0.6, 0.4));
        assertThat(run.accuracyAt(Evaluation::testAccuracy, 3)).isEqualTo(0.5);
        assertThat(run.accuracyAt(Evaluation::validationAccuracy, 3)).isEqualTo(0.6);
    }
}
