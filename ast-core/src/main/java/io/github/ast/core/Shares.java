package io.github.ast.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Balanced contiguous shares of a batch's selected rows, one per device: sizes differ by at most one, so no device
 * idles while another works, and empty shares are left out when fewer rows than devices were selected.
 */
final class Shares {

    private Shares() {}

    /**
     * Splits {@code count} rows into at most {@code shares} ranges.
     *
     * @param count rows to split, >= 0
     * @param shares the number of shares wanted, >= 1
     * @return {@code [start, end)} ranges covering {@code [0, count)} in order, none empty (one empty range if count
     *     is 0)
     */
    static List<long[]> balanced(long count, int shares) {
        if (shares < 1) {
            throw new IllegalArgumentException("shares=" + shares + " must be >= 1");
        }
        List<long[]> ranges = new ArrayList<>();
        long used = Math.max(1, Math.min(shares, count));
        long start = 0;
        for (long i = 0; i < used; i++) {
            long size = count / used + (i < count % used ? 1 : 0);
            ranges.add(new long[] {start, start + size});
            start += size;
        }
        return ranges;
    }
}
