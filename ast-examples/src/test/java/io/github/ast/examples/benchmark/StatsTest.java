package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void medianCountsCensoredRunsAsSlowest() {
        assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {INF, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[] {INF, INF, 2})).isInfinite();
        assertThat(Stats.median(new double[] {INF, 5, INF, 1})).isInfinite();
        assertThat(Stats.median(new double[] {Double.NaN, 7})).isEqualTo(7);
        assertThat(Stats.median(new double[] {})).isNaN();
    }

    @Test
    void bootstrapOfConstantValuesIsThatValue() {
        Stats.Interval interval = Stats.bootstrapMedian(new double[] {5, 5, 5, 5}, 1);
        assertThat(interval.low()).isEqualTo(5);
        assertThat(interval.high()).isEqualTo(5);
    }

    @Test
    void bootstrapMatchesTheExactResamplingDistribution() {
        // Resampling {1, 2, 3} three times with replacement: the median is 1 with probability 7/27, 2 with 13/27,
        // 3 with 7/27, so the 2.5th and 97.5th percentiles are 1 and 3, and about 48% of resamples have median 2.
        Stats.Interval interval = Stats.bootstrapMedian(new double[] {1, 2, 3}, 9);
        assertThat(interval.low()).isEqualTo(1);
        assertThat(interval.high()).isEqualTo(3);
        // Five values: P(median of a resample <= 1) = P(at least 3 of 5 draws are the 1) = 0.0579 for {1,..,5},
        // above 2.5%, so the low end is 1; P(median >= 5) likewise, so the high end is 5.
        Stats.Interval five = Stats.bootstrapMedian(new double[] {1, 2, 3, 4, 5}, 9);
        assertThat(five.low()).isEqualTo(1);
        assertThat(five.high()).isEqualTo(5);
        // Nine values: P(median <= 1) = P(>= 5 of 9 draws are the 1) = 0.0014 < 2.5%, P(median <= 2) = 0.030 > 2.5%.
        Stats.Interval nine = Stats.bootstrapMedian(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 9);
        assertThat(nine.low()).isEqualTo(2);
        assertThat(nine.high()).isEqualTo(8);
    }

    @Test
    void bootstrapKeepsCensoringAndIsReproducible() {
        double[] times = {10, 12, INF, INF, 11};
        Stats.Interval a = Stats.bootstrapMedian(times, 4);
        assertThat(a.low()).isEqualTo(10);
        assertThat(a.high()).isInfinite();
        assertThat(Stats.bootstrapMedian(times, 4)).isEqualTo(a);
        assertThat(Stats.bootstrapMedian(new double[] {Double.NaN}, 4).low()).isNaN();
    }

    @Test
    void theMedianRatioOfAnEvenCountIsNotMadeInfiniteByOneSeed() {
        assertThat(Stats.medianRatio(new double[] {1.2, INF})).isEqualTo(1.2);
        assertThat(Stats.medianRatio(new double[] {0, INF})).isZero();
        assertThat(Stats.medianRatio(new double[] {1, 4})).isEqualTo(2);
        assertThat(Stats.medianRatio(new double[] {INF, INF})).isInfinite();
        assertThat(Stats.medianRatio(new double[] {0.5, 3, INF})).isEqualTo(3);
        assertThat(Stats.medianRatio(new double[] {Double.NaN})).isNaN();
        Stats.Interval interval = Stats.bootstrapMedianRatio(new double[] {2, 2, 2}, 1);
        assertThat(interval.low()).isEqualTo(2);
        assertThat(interval.high()).isEqualTo(2);
    }

    @Test
    void speedUpHandlesCensoredSides() {
        assertThat(Stats.speedUp(20, 10)).isEqualTo(2);
        assertThat(Stats.speedUp(10, 20)).isCloseTo(0.5, within(1e-12));
        assertThat(Stats.speedUp(INF, 10)).isInfinite();
        assertThat(Stats.speedUp(10, INF)).isZero();
        assertThat(Stats.speedUp(INF, INF)).isNaN();
    }
}
