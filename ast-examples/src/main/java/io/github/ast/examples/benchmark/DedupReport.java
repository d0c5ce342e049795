package io.github.ast.examples.benchmark;

import io.github.ast.examples.datakinds.NearDuplicates;
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
        return line + String.format(Locale.ROOT, ", of them %,d near-copies (of %,d)",
                NearDuplicates.Removal.of(sourceOf, kept).copiesRemoved(), NearDuplicates.copiesIn(sourceOf));
    }
}
