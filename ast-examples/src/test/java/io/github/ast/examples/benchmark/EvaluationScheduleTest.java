package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvaluationScheduleTest {

    @Test
    void evaluatesAtTheFirstBatchEndAfterEachGridPoint() {
        EvaluationSchedule schedule = new EvaluationSchedule(3, 10);
        assertThat(schedule.due(1.0)).isNaN();
        assertThat(schedule.due(2.99)).isNaN();
        assertThat(schedule.due(3.02)).isEqualTo(3.0);
        assertThat(schedule.due(3.5)).isNaN();
        assertThat(schedule.due(6.0)).isEqualTo(6.0);
        assertThat(schedule.due(8.9)).isNaN();
        assertThat(schedule.due(9.1)).isEqualTo(9.0);
        assertThat(schedule.due(9.9)).as("the next point is the budget, evaluated by the run's end").isNaN();
        assertThat(schedule.isOver(9.99)).isFalse();
        assertThat(schedule.isOver(10.0)).isTrue();
    }

    @Test
    void aSlowBatchSpanningSeveralPointsGivesOneEvaluationLabelledWithTheLatest() {
        EvaluationSchedule schedule = new EvaluationSchedule(2, 20);
        assertThat(schedule.due(7.3)).isEqualTo(6.0);
        assertThat(schedule.due(7.9)).isNaN();
        assertThat(schedule.due(8.0)).isEqualTo(8.0);
    }

    @Test
    void anIntervalLongerThanTheBudgetEvaluatesOnlyAtTheEnd() {
        EvaluationSchedule schedule = new EvaluationSchedule(30, 10);
        assertThat(schedule.due(9.9)).isNaN();
        assertThat(schedule.isOver(10)).isTrue();
    }
}
