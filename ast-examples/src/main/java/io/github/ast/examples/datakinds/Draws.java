package io.github.ast.examples.datakinds;

import java.util.Arrays;
import java.util.Random;

/** Seeded draws the data kinds share. */
final class Draws {

    private Draws() {}

    /**
     * Returns a uniform sample of {@code count} of {@code from} without replacement, ascending; {@code from} is
     * reordered.
     */
    static int[] sample(int[] from, int count, Random random) {
        // A partial Fisher-Yates shuffle: the first `count` positions are a uniform sample without replacement.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(from.length - i);
            int t = from[i];
            from[i] = from[j];
            from[j] = t;
        }
        int[] sample = Arrays.copyOf(from, count);
        Arrays.sort(sample);
        return sample;
    }

    /** {@return {@code count} distinct indices of [0, n), uniform, ascending} */
    static int[] sample(int n, int count, Random random) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return sample(all, count, random);
    }
}
