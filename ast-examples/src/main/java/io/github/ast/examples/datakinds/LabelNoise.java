package io.github.ast.examples;

import java.util.Arrays;
import java.util.Random;

/**
 * Symmetric label noise for robustness benchmarks: exactly {@code round(fraction * n)} labels, chosen uniformly
 * without replacement by a seeded generator, are each replaced by one of the other classes, uniformly.
 */
public final class LabelNoise {

    private LabelNoise() {}

    /**
     * A noisy copy of some labels.
     *
     * @param labels the new labels
     * @param flipped the indices whose label changed, ascending
     */
    public record Flipped(float[] labels, int[] flipped) {}

    /**
     * Flips a fraction of labels to another class.
     *
     * @param labels class indices as floats (DJL's label convention), left unchanged
     * @param fraction share to flip, in [0, 1]
     * @param classes number of classes, >= 2
     * @param seed seeds which labels flip and to what
     * @return the noisy copy and which indices flipped
     * @throws IllegalArgumentException naming a value outside its range, or a label that is not a class index
     */
    public static Flipped flip(float[] labels, double fraction, int classes, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("label-noise fraction " + fraction + " must be in [0, 1]");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("label noise needs >= 2 classes, got " + classes);
        }
        int n = labels.length;
        int count = (int) Math.round(fraction * n);
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        // A partial Fisher-Yates shuffle: the first `count` positions are a uniform sample without replacement.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] noisy = labels.clone();
        int[] flipped = Arrays.copyOf(order, count);
        Arrays.sort(flipped);
        for (int index : flipped) {
            float label = labels[index];
            if (label != Math.rint(label) || label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " at index " + index + " is not a class index "
                        + "in [0, " + classes + ")");
            }
            noisy[index] = ((int) label + 1 + random.nextInt(classes - 1)) % classes;
        }
        return new Flipped(noisy, flipped);
    }
}
