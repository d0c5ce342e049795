package io.github.ast.examples.datakinds;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Label noise for robustness benchmarks. Symmetric: exactly {@code round(fraction * n)} labels, chosen uniformly
 * without replacement by a seeded generator, are each replaced by one of the other classes, uniformly. Asymmetric:
 * noise as annotators make it, only between classes that look alike: in every class of a group of confusable classes,
 * exactly {@code round(fraction * n_c)} labels move to another class of its group, uniformly; classes outside every
 * group keep their labels.
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
        Random random = new Random(seed);
        int[] flipped = Draws.sample(n, (int) Math.round(fraction * n), random);
        float[] noisy = labels.clone();
        for (int index : flipped) {
            noisy[index] = ((int) classOf(labels, index, classes) + 1 + random.nextInt(classes - 1)) % classes;
        }
        return new Flipped(noisy, flipped);
    }

    /**
     * Flips a fraction of every listed class's labels to another class of its group.
     *
     * @param labels class indices as floats, left unchanged
     * @param fraction share of each grouped class to flip, in [0, 1]
     * @param classes number of classes, >= 2
     * @param groups disjoint groups of confusable classes, each of 2 or more classes
     * @param seed seeds which labels flip and to what
     * @return the noisy copy and which indices flipped
     * @throws IllegalArgumentException naming a value outside its range, a bad group, or a label that is not a class
     *     index
     */
    public static Flipped flipWithin(float[] labels, double fraction, int classes, int[][] groups, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("label-noise fraction " + fraction + " must be in [0, 1]");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("label noise needs >= 2 classes, got " + classes);
        }
        int[] groupOf = new int[classes];
        Arrays.fill(groupOf, -1);
        for (int g = 0; g < groups.length; g++) {
            if (groups[g].length < 2) {
                throw new IllegalArgumentException("confusable group " + Arrays.toString(groups[g]) + " must hold 2 "
                        + "or more classes");
            }
            for (int c : groups[g]) {
                if (c < 0 || c >= classes || groupOf[c] >= 0) {
                    throw new IllegalArgumentException("class " + c + " in group " + Arrays.toString(groups[g])
                            + " is outside [0, " + classes + ") or in two groups");
                }
                groupOf[c] = g;
            }
        }
        Random random = new Random(seed);
        float[] noisy = labels.clone();
        int[] flipped = new int[0];
        for (int c = 0; c < classes; c++) {
            if (groupOf[c] < 0) {
                continue;
            }
            int[] rows = rowsOf(labels, c, classes);
            int[] chosen = Draws.sample(rows, (int) Math.round(fraction * rows.length), random);
            int self = c;
            int[] others = Arrays.stream(groups[groupOf[c]]).filter(o -> o != self).toArray();
            for (int index : chosen) {
                noisy[index] = others[random.nextInt(others.length)];
            }
            int before = flipped.length;
            flipped = Arrays.copyOf(flipped, before + chosen.length);
            System.arraycopy(chosen, 0, flipped, before, chosen.length);
        }
        Arrays.sort(flipped);
        return new Flipped(noisy, flipped);
    }

    /** The indices of one class's rows, ascending; checks every label on the way. */
    private static int[] rowsOf(float[] labels, int c, int classes) {
        return IntStream.range(0, labels.length).filter(i -> classOf(labels, i, classes) == c)
                .toArray();
    }

    /** {@return the label at {@code index}}, checked to be a class index in [0, classes) */
    static float classOf(float[] labels, int index, int classes) {
        float label = labels[index];
        if (label != Math.rint(label) || label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " at index " + index + " is not a class index "
                    + "in [0, " + classes + ")");
        }
        return label;
    }
}
