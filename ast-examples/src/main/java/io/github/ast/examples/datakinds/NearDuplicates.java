package io.github.ast.examples.datakinds;

import java.util.Arrays;
import java.util.Random;

/**
 * Redundant training data: a seeded fraction of the images each get {@code copies} near-copies, shifted by one pixel
 * in a random direction (edges filled with 0) with Gaussian pixel noise added and clipped to [0, 1], so that no
 * hash finds them and only a similarity search does. The copies follow the originals; a sampler shuffles them in.
 *
 * @param images every row's pixels, originals first, row-major
 * @param labels every row's label, a copy's its original's
 * @param sourceOf for every row, the original row it copies, or -1 for an original
 */
public record NearDuplicates(float[] images, float[] labels, int[] sourceOf) {

    /** The pixel noise's standard deviation, on the [0, 1] scale. */
    public static final double PIXEL_NOISE = 0.03;

    /**
     * Adds near-copies.
     *
     * @param images the originals' pixels, {@code labels.length} square images, row-major
     * @param labels the originals' labels
     * @param copies near-copies per chosen image, >= 1
     * @param fraction share of the images that get copies, in (0, 1]
     * @param seed seeds which images, the shifts and the noise
     * @return the originals followed by the copies
     * @throws IllegalArgumentException naming a value outside its range, or images that are not square
     */
    public static NearDuplicates add(float[] images, float[] labels, int copies, double fraction, long seed) {
        if (copies < 1) {
            throw new IllegalArgumentException("--duplicates " + copies + ":" + fraction + ": copies " + copies
                    + " must be >= 1");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--duplicates " + copies + ":" + fraction + ": fraction " + fraction
                    + " must be in (0, 1]");
        }
        int n = labels.length;
        int pixels = n == 0 ? 0 : images.length / n;
        int side = (int) Math.round(Math.sqrt(pixels));
        if (n == 0 || side * side != pixels || pixels * n != images.length) {
            throw new IllegalArgumentException(images.length + " pixels for " + n + " labels are not square images");
        }
        Random random = new Random(seed);
        int[] chosen = Draws.sample(n, (int) Math.round(fraction * n), random);
        int total = n + copies * chosen.length;
        float[] outImages = Arrays.copyOf(images, total * pixels);
        float[] outLabels = Arrays.copyOf(labels, total);
        int[] sourceOf = new int[total];
        Arrays.fill(sourceOf, 0, n, -1);
        int row = n;
        for (int original : chosen) {
            for (int k = 0; k < copies; k++, row++) {
                int shift = random.nextInt(8); // the eight one-pixel moves
                int dy = shift < 3 ? -1 : shift < 5 ? 0 : 1;
                int dx = shift < 3 ? shift - 1 : shift < 5 ? (shift == 3 ? -1 : 1) : shift - 6;
                copyShifted(images, original * pixels, outImages, row * pixels, side, dx, dy, random);
                outLabels[row] = labels[original];
                sourceOf[row] = original;
            }
        }
        return new NearDuplicates(outImages, outLabels, sourceOf);
    }

    private static void copyShifted(float[] from, int fromStart, float[] to, int toStart, int side, int dx, int dy,
            Random random) {
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int sy = y - dy;
                int sx = x - dx;
                float value = sy < 0 || sy >= side || sx < 0 || sx >= side ? 0 : from[fromStart + sy * side + sx];
                value += (float) (PIXEL_NOISE * random.nextGaussian());
                to[toStart + y * side + x] = Math.min(1f, Math.max(0f, value));
            }
        }
    }

    /** {@return how many rows are copies} */
    public int copies() {
        return copiesIn(sourceOf);
    }

    /**
     * Counts the copies among some rows.
     *
     * @param sourceOf for every row, the row it copies, -1 for an original (see {@link #sourceOf()})
     * @return how many rows are copies
     */
    public static int copiesIn(int[] sourceOf) {
        return (int) Arrays.stream(sourceOf).filter(s -> s >= 0).count();
    }

    /**
     * What a removal of rows took: how many of the removed rows were copies and how many originals.
     *
     * @param copiesRemoved removed rows that were near-copies
     * @param originalsRemoved removed rows that were originals
     */
    public record Removal(int copiesRemoved, int originalsRemoved) {

        /**
         * Counts a removal.
         *
         * @param sourceOf for every row, the row it copies, -1 for an original (see {@link #sourceOf()})
         * @param kept the rows kept, each in [0, sourceOf.length)
         * @return the counts
         */
        public static Removal of(int[] sourceOf, int[] kept) {
            boolean[] isKept = new boolean[sourceOf.length];
            for (int row : kept) {
                isKept[row] = true;
            }
            int copiesRemoved = 0;
            int originalsRemoved = 0;
            for (int row = 0; row < sourceOf.length; row++) {
                if (!isKept[row]) {
                    if (sourceOf[row] >= 0) {
                        copiesRemoved++;
                    } else {
                        originalsRemoved++;
                    }
                }
            }
            return new Removal(copiesRemoved, originalsRemoved);
        }
    }
}
