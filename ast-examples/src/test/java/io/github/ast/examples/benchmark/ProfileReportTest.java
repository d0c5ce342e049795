package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.examples.benchmark.Profile.CaseResult;
import io.github.ast.examples.benchmark.Profile.EngineProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profile's targets are the ratios of its unprofiled totals, computed as the issue defines them. */
class ProfileReportTest {

    private static CaseResult result(String name, double ms) {
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Phase phase : Phase.values()) {
            phases.put(phase.name(), ms / Phase.values().length);
        }
        phases.put("OTHER", 0.0);
        return new CaseResult(name, "the " + name + " case", new double[] {ms - 1, ms, ms + 1}, ms, ms, phases);
    }

    @Test
    void derivesEveryTargetFromTheUnprofiledTotals() {
        // plain 100, scoring 25 (f = 0.25, bound 1/(0.25 + 0.1) = 2.857x), scored-100 at +2.4%, ast-100 at +4%.
        List<CaseResult> cases = new ArrayList<>(List.of(result("plain", 100), result("scoring", 25),
                result("random-10", 20), result("ast-100", 104), result("scored-100", 128), result("ast-10", 40),
                result("ast-10-pooled", 36), result("free-10-pooled", 12.5)));
        Profile profile = new Profile("ast profile", Map.of("cpu", "Test CPU", "cores", 2), "cnn", 12800, 128, 3,
                List.of(new EngineProfile("MXNet", "1.9.0", cases)), List.of(new BenchmarkRates("b",
                        "MXNet", "cnn", 55000, Map.of("full", 120.0, "ast-100", 126.0, "seed", 48.0))));
        String md = ProfileReport.markdown(profile);
        assertThat(md).contains("f = 0.25").contains("1/(f + 0.1) = 2.86×")
                .contains("| AST's scoring loop at 100% (`scored-100`): overhead over plain step + scoring | +2.4% "
                        + "| ≤ +3% | yes |")
                .contains("| AST at a 100% target (`ast-100`, unscored): overhead over a plain step | +4.0% | ≤ +3% "
                        + "| **no** |")
                .contains("share of 1/(f + r) | 88% (2.50×) | ≥ 90% | **no** |")
                .contains("share of 1/(f + r) | 97% (2.78×) | ≥ 95% | yes |")
                .contains("speed-up per epoch | 8.00× | ≥ 7× | yes |")
                .contains("| MXNet | profile | 100.0 | 104.0 | 1.04× | 40.0 | 0.40× |")
                .contains("| MXNet | `b` | 120.0 | 126.0 | 1.05× | 48.0 | 0.40× |")
                .contains("**100.0** (99.0–101.0)").contains("Machine: Test CPU, 2 cores")
                .contains("`random-10` (no scoring, 13-row steps) runs an epoch 5.00× as fast as plain");
    }

    /** The cheaper scoring passes: f / k for one batch in k, the pooled pass's own cost when downsampled. */
    @Test
    void cheaperScoringPassesStandBesideTheirBounds() {
        List<CaseResult> cases = new ArrayList<>(List.of(result("plain", 100), result("scoring", 25),
                result("random-10", 20), result("ast-100", 104), result("scored-100", 128), result("ast-10", 40),
                result("ast-10-pooled", 36), result("free-10-pooled", 12.5), result("ast-10-every2", 35),
                result("ast-10-every4", 30), result("scoring-down2", 8), result("ast-10-down2", 25)));
        Profile profile = new Profile("ast profile --cheaper-scoring", Map.of("cpu", "Test CPU", "cores", 2),
                "cnn-gap", 12800, 128, 3, List.of(new EngineProfile("MXNet", "1.9.0", cases)), List.of());
        assertThat(ProfileReport.markdown(profile))
                .contains("| every batch, full resolution, `ast-10` | 0.25 | 2.50× | 2.86× | 88% |")
                .contains("| one batch in 2 (`ast.scoreEvery=2`), `ast-10-every2` | 0.13 | 2.86× | 4.44× | 64% |")
                .contains("| one batch in 4 (`ast.scoreEvery=4`), `ast-10-every4` | 0.06 | 3.33× | 6.15× | 54% |")
                .contains("| every batch, images pooled by 2 (`ast.scoreDownsample=2`), `ast-10-down2` | 0.08 | "
                        + "4.00× | 5.56× | 72% |");
        assertThat(ProfileReport.cheaperScoringMarkdown(profile)).startsWith("# Cheaper scoring passes\n\nCNN-GAP, "
                + "batch 128").contains("**MXNet 1.9.0**. Cheaper scoring passes").contains("`ast-10-down2` | 0.08 |");
        assertThat(ProfileReport.markdown(new Profile("ast profile", Map.of("cpu", "Test CPU", "cores", 2), "cnn",
                12800, 128, 3, List.of(new EngineProfile("MXNet", "1.9.0", cases.subList(0, 8))), List.of())))
                .doesNotContain("Cheaper scoring");
        assertThat(ProfileReport.cheaperScoringMarkdown(new Profile("ast profile", Map.of("cpu", "Test CPU", "cores",
                2), "cnn", 12800, 128, 3, List.of(new EngineProfile("MXNet", "1.9.0", cases.subList(0, 8))),
                List.of()))).isNull();
    }
}
