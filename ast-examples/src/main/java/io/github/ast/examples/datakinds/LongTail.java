package io.github.ast.examples.datakinds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An exponentially long-tailed subset of a balanced training set (Cao et al., 2019): the class of rank {@code r}
 * (0 the head) keeps {@code n_r = round(n_max * (1 / ratio)^(r / (classes - 1)))} rows, its first in index order, where
 * {@code n_max} is the smallest class's size so that every class can give its count. Which class is the head is a
 * seeded permutation, so that a configuration's tail is not always the same garments.
 *
 * @param order the classes from head to tail
 * @param counts rows kept per class, indexed by class
 * @param kept the kept rows' indices, ascending
 */
public record LongTail(int[] order, int[] counts, int[] kept) {

    /**
     * Keeps a long-tailed subset.
     *
     * @param labels class indices as floats
     * @param classes number of classes, >= 2
     * @param ratio the imbalance: head count over tail count, >= 1
     * @param seed seeds which class is the head, and the rest of the order
     * @return the subset
     * @throws IllegalArgumentException naming a value outside its range, or a class without rows
     */
    public static LongTail of(float[] labels, int classes, double ratio, long seed) {
        if (!(ratio >= 1) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("--imbalance " + ratio + " must be finite and >= 1 (head class size over"
                    + " tail class size)");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a long tail needs >= 2 classes, got " + classes);
        }
        int[] available = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            available[(int) LabelNoise.classOf(labels, i, classes)]++;
        }
        int smallest = Arrays.stream(available).min().orElseThrow();
        if (smallest == 0) {
            throw new IllegalArgumentException("class " + indexOf(available, 0) + " has no rows to keep");
        }
        int[] order = headOrder(classes, seed);
        int[] counts = new int[classes];
        for (int rank = 0; rank < classes; rank++) {
            counts[order[rank]] = Math.max(1, (int) Math.round(smallest * Math.pow(1 / ratio,
                    (double) rank / (classes - 1))));
        }
        int[] left = counts.clone();
        int[] kept = new int[Arrays.stream(counts).sum()];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            int c = (int) labels[i];
            if (left[c] > 0) {
                left[c]--;
                kept[k++] = i;
            }
        }
        return new LongTail(order, counts, kept);
    }

    /** {@return the rarest half of the classes (ranks from classes / 2 on), ascending}, for tail accuracy */
    public int[] tailClasses() {
        int[] tail = Arrays.copyOfRange(order, order.length / 2, order.length);
        Arrays.sort(tail);
        return tail;
    }

    private static int[] headOrder(int classes, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            order.add(c);
        }
        Collections.shuffle(order, new Random(seed));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
