package io.github.ast.examples.benchmark;

/**
 * Independent random streams from one run seed: the data order, the label noise and the near-copies each get their own, so that no two
 * uses of a seeded generator draw the same numbers.
 */
final class Seeds {

    /** The stream of the data order (the sampler's shuffles). */
    static final int DATA_ORDER = 1;
    /** The stream of the label noise. */
    static final int LABEL_NOISE = 2;
    /** The stream of the near-copies: which images, their shifts and noise. */
    static final int DUPLICATES = 3;

    private Seeds() {}

    /**
     * Derives a stream's seed (SplitMix64's finaliser over the seed and the stream number).
     *
     * @param seed the run seed
     * @param stream the stream
     * @return the stream's seed
     */
    static long derive(long seed, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
