package io.github.ast.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.ConfigurationException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The epoch-level rules and their configuration. */
class EpochCutTest {

    private static final String VERSION = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static SparkScoringConfig config(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return SparkScoringConfig.fromProperties(p);
    }

    @Property(tries = 50)
    void topRateKeepsTheTargetShareAndTiesAtTheCut(@ForAll @IntRange(min = 1, max = 400) int rows,
            @ForAll @IntRange(min = 1, max = 100) int percent) {
        SparkScoringConfig config = config("ast.spark.policy", "top-rate", "ast.targetRate",
                Double.toString(percent / 100.0));
        float[] scores = new float[rows];
        for (int i = 0; i < rows; i++) {
            scores[i] = (i * 7919 % rows) / 4; // repeated values: ties
        }
        EpochCut cut = EpochCut.of(config, VERSION, scores, new float[rows]);
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            kept += cut.weight(i, scores[i], 0) > 0 ? 1 : 0;
        }
        int target = EpochCut.keep(config, rows);
        assertThat(kept).isBetween(target, Math.min(rows, target + 3));
    }

    @Property(tries = 20)
    void infoBatchKeepsAboveMeanAndDropsAboutThePruneRatioBelow(@ForAll long seed) {
        SparkScoringConfig config = config("ast.spark.policy", "infobatch", "ast.spark.pruneRatio", "0.25",
                "ast.seed", Long.toString(seed));
        float[] losses = new float[4000];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = i % 2; // half below the mean 0.5
        }
        EpochCut cut = EpochCut.of(config, VERSION, new float[losses.length], losses);
        int keptBelow = 0;
        for (int i = 0; i < losses.length; i++) {
            float weight = cut.weight(i, 0, losses[i]);
            if (losses[i] == 1) {
                assertThat(weight).isEqualTo(1f);
            } else if (weight > 0) {
                assertThat(weight).isEqualTo(1 / 0.75f);
                keptBelow++;
            }
        }
        assertThat(keptBelow).isBetween(1400, 1600); // 2000 * 0.75 = 1500, about 3.5 standard deviations
    }

    @Test
    void eachModelVersionPrunesAfresh() {
        SparkScoringConfig config = config("ast.spark.policy", "infobatch", "ast.spark.pruneRatio", "0.5");
        float[] losses = new float[2000]; // all 0 except one: every other row is below the mean
        losses[0] = 1;
        EpochCut first = EpochCut.of(config, VERSION, new float[losses.length], losses);
        EpochCut next = EpochCut.of(config, "f" + VERSION.substring(1), new float[losses.length], losses);
        int differ = 0;
        for (int i = 1; i < losses.length; i++) {
            differ += (first.weight(i, 0, 0) > 0) != (next.weight(i, 0, 0) > 0) ? 1 : 0;
        }
        assertThat(differ).isBetween(850, 1150); // 2 p (1 - p) = half of 1,999 rows, about 7 standard deviations
        assertThat(EpochCut.of(config, VERSION, new float[losses.length], losses)).isEqualTo(first);
    }

    @Test
    void theExactMeanDoesNotDependOnTheOrder() {
        List<Float> losses = List.of(1e8f, 1f, -1e8f, 0.1f, 3.3f, 1e-7f);
        List<Float> reversed = List.of(1e-7f, 3.3f, 0.1f, -1e8f, 1f, 1e8f);
        BigDecimal sum = EpochCut.exactSum(losses.iterator());
        assertThat(sum).isEqualTo(EpochCut.exactSum(reversed.iterator()));
        assertThat(EpochCut.mean(sum, 6)).isEqualTo(EpochCut.mean(EpochCut.exactSum(reversed.iterator()), 6));
        double naive = 0;
        for (float loss : losses) {
            naive += loss;
        }
        double naiveReversed = 0;
        for (float loss : reversed) {
            naiveReversed += loss;
        }
        assertThat(naive).as("plain double sums do depend on the order").isNotEqualTo(naiveReversed);
    }

    @Property(tries = 20)
    void batchesAreInRangeAndAboutEven(@ForAll long seed) {
        int[] counts = new int[10];
        for (long index = 0; index < 5000; index++) {
            counts[EpochCut.batchOf(seed, index, 10)]++;
        }
        assertThat(java.util.Arrays.stream(counts).boxed()).allSatisfy(c -> assertThat(c).isBetween(400, 600));
    }

    @Test
    void configurationNamesTheBadKey() {
        assertThatThrownBy(() -> config("ast.spark.policy", "best")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("top-rate, threshold, infobatch");
        assertThatThrownBy(() -> config("ast.spark.policy", "threshold")).hasMessageContaining("ast.spark.threshold");
        assertThatThrownBy(() -> config("ast.spark.threshold", "0.2")).hasMessageContaining("threshold only");
        assertThatThrownBy(() -> config("ast.spark.batchs", "3")).hasMessageContaining("ast.spark.batchs");
        assertThatThrownBy(() -> config("ast.spark.batch", "2.5")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> config("ast.spark.pruneRatio", "1")).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> config("ast.spark.policy", "top-rate", "ast.spark.pruneRatio", "0.3"))
                .hasMessageContaining("infobatch only");
        SparkScoringConfig config = config("ast.spark.policy", "threshold", "ast.spark.threshold", "0.4",
                "ast.scorer", "margin");
        Properties round = new Properties();
        round.putAll(config.toProperties());
        assertThat(SparkScoringConfig.fromProperties(round)).isEqualTo(config);
    }
}
