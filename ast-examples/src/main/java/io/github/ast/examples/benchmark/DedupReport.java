package io.github.ast.examples.benchmark;

import java.util.Locale;

/** The line a {@code dedup} run records: what removal kept and took, and how many of its removals were copies. */
final class DedupReport {

    private DedupReport() {}

    /**
     * Describes a removal.
     *
     * @param kept the kept rows, ascending
     * @param total the rows deduplication read
     * @param sourceOf for every row, the row it is a near-copy of, -1 for an original; null when the data has no
     *     copies
     * @param seconds the removal's time on the run's clock
     * @return e.g. "dedup: kept 60,100 of 165,000 rows in 4.1 s; removed 104,900, of them 104,700 copies (of 110,000)"
     */
    static String of(int[] kept, int total, int[] sourceOf, double seconds) {
        int removed = total - kept.length;
        String line = String.format(Locale.ROOT, "dedup: kept %,d of %,d rows in %.2f s on the clock; removed %,d",
                kept.length, total, seconds, removed);
        if (sourceOf == null) {
            return line;
        }
        boolean[] isKept = new boolean[total];
        for (int row : kept) {
            isKept[row] = true;
        }
        int copies = 0;
        int copiesRemoved = 0;
        for (int row = 0; row < total; row++) {
            if (sourceOf[row] >= 0) {
                copies++;
                copiesRemoved += isKept[row] ? 0 : 1;
            }
        }
        return line + String.format(Locale.ROOT, ", of them %,d near-copies (of %,d)", copiesRemoved, copies);
    }
}
