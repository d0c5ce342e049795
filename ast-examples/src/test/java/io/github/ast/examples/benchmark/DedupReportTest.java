package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupReportTest {

    @Test
    void countsRemovedRowsAndTheNearCopiesAmongThem() {
        // rows 0-3 originals, 4-7 copies of 0-3; kept: 0, 1, 2, 3, 5
        int[] sourceOf = {-1, -1, -1, -1, 0, 1, 2, 3};
        assertThat(DedupReport.of(new int[] {0, 1, 2, 3, 5}, 8, sourceOf, 1.5)).isEqualTo("dedup: kept 5 of 8 rows "
                + "in 1.50 s on the clock; removed 3, of them 3 near-copies (of 4)");
        // without copies in the data, removed rows are still counted
        assertThat(DedupReport.of(new int[] {0, 2}, 4, null, 0.25)).isEqualTo("dedup: kept 2 of 4 rows in 0.25 s on "
                + "the clock; removed 2");
    }
}
