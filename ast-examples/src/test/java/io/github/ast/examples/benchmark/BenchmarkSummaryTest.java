package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkSummaryTest {

    /**
     * A run that reaches accuracy {@code 0.9} at {@code seconds} (never, if infinite) and ends with test accuracy 0.8
     * or 0.9 and validation accuracy 0.85.
     */
    private static RunRecord run(String arm, long seed, double seconds) {
        return run(arm, seed, seconds, "test cpu");
    }

    private static RunRecord run(String arm, long seed, double seconds, String processor) {
        List<Evaluation> evaluations = new ArrayList<>();
        evaluations.add(new Evaluation(0, 0, 0, 0, 0, 0, 0, 0.1, 2, 0.1, 2));
        boolean reached = Double.isFinite(seconds);
        if (reached) {
            evaluations.add(new Evaluation(seconds, seconds, 1, 10, 1280, 1280, 0, 0.9, 0.3, 0.9, 0.3));
        }
        evaluations.add(new Evaluation(100, 100, 2, 20, 2560, 2560, 0, reached ? 0.9 : 0.8, 0.3, 0.85, 0.3));
        return new RunRecord(arm, seed, evaluations, 2, 0, 0, 0, 100, List.of(), List.of(), processor, List.of());
    }

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void pairsBySeedAndCountsCensoredSides() {
        List<RunRecord> runs = List.of(run("full", 1, 20), run("full", 2, 30), run("full", 3, INF),
                run("seed", 1, 10), run("seed", 2, INF), run("seed", 3, INF));
        BenchmarkSummary summary = new BenchmarkSummary(runs, List.of("full", "seed"), new double[] {0.9},
                new double[] {50, 100});
        BenchmarkSummary.Paired paired = summary.paired("seed", "full", 0.9);
        // Seed 1: 20/10 = 2; seed 2: only full reached it, 0; seed 3: neither, left out.
        assertThat(paired.values()).containsExactly(2.0, 0.0, Double.NaN);
        assertThat(paired.used()).isEqualTo(2);
        assertThat(paired.median()).isZero(); // geometric mean of 0 and 2
        String markdown = summary.markdown();
        assertThat(markdown).contains("| seed | 3 | not reached in 2 of 3 |")
                .contains("| full | 3 | 30 s [20, ∞] (not reached in 1 of 3) |");
        // At 100 s test accuracy is 0.9 in the runs that reached 0.9 (seeds 1 and 2 of full, seed 1 of seed), 0.8 in
        // the others, and validation accuracy 0.85 in every run; the best validation accuracy is 0.9 in the runs
        // that reached 0.9. Only the validation table has a best column.
        int test = markdown.indexOf("**Test accuracy at a training time**\n\n| arm | 50 s | 100 s |\n");
        int validation = markdown.indexOf("**Validation accuracy at a training time** (the split to choose settings");
        assertThat(test).isNotNegative();
        assertThat(validation).isGreaterThan(test);
        assertThat(markdown.substring(test, validation)).contains("| seed | 10.00% [10.00, 90.00] | 80.00% [80.00, "
                + "90.00] |\n");
        assertThat(markdown.substring(validation)).contains("| arm | 50 s | 100 s | best |")
                .contains("| seed | 10.00% [10.00, 90.00] | 85.00% [85.00, 85.00] | 85.00% [85.00, 90.00] |");
    }

    @Test
    void theBestRandomArmIsTheFastestMedianThenTheMostSeedsReached() {
        List<RunRecord> runs = List.of(run("rs2@0.1", 1, INF), run("rs2@0.1", 2, INF), run("rs2@0.1", 3, 50),
                run("random-batch@0.1", 1, INF), run("random-batch@0.1", 2, INF), run("random-batch@0.1", 3, INF),
                run("full", 1, 40), run("full", 2, 40), run("full", 3, 40));
        BenchmarkSummary summary = new BenchmarkSummary(runs, List.of("full", "random-batch@0.1", "rs2@0.1"),
                new double[] {0.9}, new double[] {100});
        assertThat(summary.bestRandom(0.9)).isEqualTo("rs2@0.1");

        List<RunRecord> faster = new ArrayList<>(runs);
        faster.addAll(List.of(run("rs2@0.3", 1, 30), run("rs2@0.3", 2, 35), run("rs2@0.3", 3, 90)));
        BenchmarkSummary second = new BenchmarkSummary(faster, List.of("full"), new double[] {0.9},
                new double[] {100});
        assertThat(second.arms()).as("listed arms first, then the others in run order")
                .containsExactly("full", "rs2@0.1", "random-batch@0.1", "rs2@0.3");
        assertThat(second.bestRandom(0.9)).isEqualTo("rs2@0.3");
        assertThat(second.markdown()).contains("90% vs best random (rs2@0.3)");
    }

    @Test
    void namesTheSeedsTimedOnEachProcessorOnlyWhenThereWasMoreThanOne() {
        BenchmarkSummary one = new BenchmarkSummary(List.of(run("full", 1, 20), run("full", 2, 30)),
                List.of("full"), new double[] {0.9}, new double[] {50, 100});
        assertThat(one.markdown()).doesNotContain("more than one processor");
        BenchmarkSummary two = new BenchmarkSummary(List.of(run("full", 1, 20, null), run("full", 2, 30, "B, avx512f"),
                run("full", 3, 30, "B, avx512f")), List.of("full"), new double[] {0.9}, new double[] {50, 100});
        assertThat(two.markdown()).contains("seeds 2, 3 on B, avx512f").contains("seed 1 on not recorded");
    }
}
