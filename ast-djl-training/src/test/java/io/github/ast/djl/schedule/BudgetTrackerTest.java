package io.github.ast.djl.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BudgetTrackerTest {

    private final AtomicLong nanos = new AtomicLong();
    private final TrainingClock clock = new TrainingClock(nanos::get);

    private void advance(double seconds) {
        nanos.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void cosineWarmsUpThenReachesZeroExactlyAtTheBudget() {
        BudgetTracker tracker = new BudgetTracker(clock, 100, 1e-3f, 0.1, 0, BudgetTracker.Shape.COSINE);
        clock.start();
        assertThat(tracker.getNewValue(1)).isZero();
        advance(5);
        assertThat(tracker.getNewValue(2)).isCloseTo(0.5e-3f, within(1e-9f));
        advance(5);
        assertThat(tracker.getNewValue(3)).isCloseTo(1e-3f, within(1e-9f));
        advance(45); // halfway through the decay
        assertThat(tracker.getNewValue(4)).isCloseTo(0.5e-3f, within(1e-8f));
        advance(44);
        assertThat(tracker.getNewValue(5)).isPositive().isLessThan(1e-6f);
        advance(1);
        assertThat(tracker.getNewValue(6)).isCloseTo(0f, within(1e-12f));
        advance(30); // past the budget (the last batch overshoots): stays at the final value
        assertThat(tracker.getNewValue(7)).isCloseTo(0f, within(1e-12f));
    }

    @Test
    void linearFallsStraightToItsFinalFraction() {
        BudgetTracker tracker = new BudgetTracker(clock, 10, 2f, 0, 0.1, BudgetTracker.Shape.LINEAR);
        assertThat(tracker.valueAt(0)).isEqualTo(2f);
        assertThat(tracker.valueAt(0.5)).isCloseTo(1.1f, within(1e-6f));
        assertThat(tracker.valueAt(1)).isCloseTo(0.2f, within(1e-6f));
    }

    @Test
    void pausedTimeDoesNotAdvanceTheSchedule() {
        BudgetTracker tracker = new BudgetTracker(clock, 10, 1f, 0, 0, BudgetTracker.Shape.LINEAR);
        clock.start();
        advance(5);
        clock.pause();
        advance(100); // evaluation
        assertThat(clock.seconds()).isEqualTo(5.0);
        assertThat(tracker.getNewValue(1)).isCloseTo(0.5f, within(1e-6f));
        clock.start();
        advance(5);
        assertThat(tracker.getNewValue(2)).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void oneValuePerUpdateSoEveryParameterOfAStepGetsTheSameRate() {
        BudgetTracker tracker = new BudgetTracker(clock, 10, 1f, 0, 0, BudgetTracker.Shape.LINEAR);
        clock.start();
        float first = tracker.getNewValue(1);
        advance(5);
        assertThat(tracker.getNewValue(1)).isEqualTo(first);
        assertThat(tracker.getNewValue(2)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void fixedKeepsTheBaseRate() {
        BudgetTracker tracker = new BudgetTracker(clock, 10, 3f, 0.5, 0, BudgetTracker.Shape.FIXED);
        assertThat(tracker.valueAt(0)).isEqualTo(3f);
        assertThat(tracker.valueAt(1)).isEqualTo(3f);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new BudgetTracker(clock, 0, 1f, 0, 0, BudgetTracker.Shape.COSINE))
                .hasMessageContaining("budget 0.0");
        assertThatThrownBy(() -> new BudgetTracker(clock, Double.POSITIVE_INFINITY, 1f, 0, 0,
                BudgetTracker.Shape.COSINE)).hasMessageContaining("finite");
        assertThatThrownBy(() -> new BudgetTracker(clock, 10, 0f, 0, 0, BudgetTracker.Shape.COSINE))
                .hasMessageContaining("base learning rate 0.0");
        assertThatThrownBy(() -> new BudgetTracker(clock, 10, 1f, 1, 0, BudgetTracker.Shape.COSINE))
                .hasMessageContaining("warm-up fraction 1.0 must be in [0, 1)");
        assertThatThrownBy(() -> new BudgetTracker(clock, 10, 1f, 0, 1.5, BudgetTracker.Shape.COSINE))
                .hasMessageContaining("final fraction 1.5");
        assertThatThrownBy(() -> BudgetTracker.Shape.of("step")).hasMessageContaining("'step'")
                .hasMessageContaining("cosine, linear or fixed");
        assertThat(BudgetTracker.Shape.of(" Cosine ")).isEqualTo(BudgetTracker.Shape.COSINE);
    }
}
