package io.github.ast.selection.policies;

import java.util.Arrays;

/**
 * The median of the last few values of a noisy measurement (batch wall times), robust to the occasional outlier a
 * pause of the caller's loop leaves (an evaluation, a garbage collection).
 */
final class RecentMedian {

    private final double[] values;
    private int count;
    private int next;

    /** @param capacity how many recent values count, >= 1 */
    RecentMedian(int capacity) {
        values = new double[capacity];
    }

    void add(double value) {
        values[next] = value;
        next = (next + 1) % values.length;
        count = Math.min(count + 1, values.length);
    }

    /** Returns the number of values held. */
    int count() {
        return count;
    }

    /** Returns the median of the values held, NaN when there are none. */
    double median() {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    }

    /** Returns the values oldest first, for a checkpoint. */
    double[] toArray() {
        double[] ordered = new double[count];
        for (int i = 0; i < count; i++) {
            ordered[i] = values[(next - count + i + values.length) % values.length];
        }
        return ordered;
    }

    /** Replaces the values by saved ones, oldest first; at most the capacity's newest are kept. */
    void restore(double[] saved) {
        count = 0;
        next = 0;
        for (double value : saved) {
            add(value);
        }
    }
}
