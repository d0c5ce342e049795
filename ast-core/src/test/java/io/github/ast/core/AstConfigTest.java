package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.RunValues;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AstConfigTest {

    @Test
    void defaultsAreTheReferenceValues() {
        AstConfig c = AstConfig.defaults();
        assertThat(c.plugins().scorer()).isEqualTo("loss-intensity");
        assertThat(c.plugins().gate()).isEqualTo("threshold");
        assertThat(c.plugins().controller()).isEqualTo("pi");
        assertThat(c.plugins().energyModel()).isEqualTo("forward-backward");
        assertThat(c.target().targetRate()).isEqualTo(0.10);
        assertThat(c.target().initialThreshold()).isEqualTo(0.50);
        assertThat(c.target().minActive()).isEqualTo(2);
        assertThat(c.plugins().engine()).isEmpty();
    }

    @Test
    void everyPluginsContextCarriesTheRunWideValues() {
        AstConfig c = AstConfig.builder().engine("MXNet").scorer("loss").targetRate(0.3).initialThreshold(0.2)
                .minActive(4).seed(9).backwardBatch(64)
                .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0.05, true, 1, 0, 0.6, 2)).build();
        RunValues expected = new RunValues("MXNet", "loss", 0.3, 0.6, 0.2, 4, 0.05, true, 64, 9);
        assertThat(c.runValues()).isEqualTo(expected);
        for (String kind : AstConfigCodec.FAMILIES) {
            assertThat(c.contextFor(kind, Map.of()).run()).as(kind).isEqualTo(expected);
        }
    }

    @Test
    void propertiesRoundTrip() {
        Properties p = new Properties();
        p.setProperty("ast.engine", "MXNet");
        p.setProperty("ast.controller", "pid");
        p.setProperty("ast.controller.kd", "0.01");
        p.setProperty("ast.targetRate", "0.25");
        p.setProperty("ast.seed", "7");
        p.setProperty("ast.selection", "history");
        p.setProperty("ast.exploration", "0.05");
        p.setProperty("ast.rescale", "true");
        p.setProperty("ast.warmupEpochs", "1");
        p.setProperty("ast.targetStart", "0.4");
        p.setProperty("ast.energyCompare", "unit");
        p.setProperty("ast.meter", "cpu-time");
        p.setProperty("ast.meter.wattsPerCore", "7");
        p.setProperty("user.home", "/ignored");
        AstConfig c = AstConfig.fromProperties(p);
        assertThat(c.settings().get("controller")).containsEntry("kd", "0.01");
        assertThat(c.plugins().engine()).isEqualTo("MXNet");
        assertThat(c.selection())
                .isEqualTo(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.05, true, 1, 0, 0.4, 2));
        assertThat(c.selection().targetRate(2, 4, 0.1)).isEqualTo(0.4);
        assertThat(c.selection().targetRate(4, 4, 0.1)).isEqualTo(0.1);
        assertThat(c.plugins().comparedEnergyModels()).containsExactly("unit");
        assertThat(c.settings().get("meter")).containsEntry("wattsPerCore", "7");
        Properties again = new Properties();
        again.putAll(c.toProperties());
        assertThat(AstConfig.fromProperties(again)).isEqualTo(c);
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void invalidValuesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> AstConfig.builder().targetRate(0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.targetRate=0.0 is invalid; it must be in (0, 1]");
        assertThatThrownBy(() -> AstConfig.builder().targetRate(Double.NaN).build())
                .hasMessage("ast.targetRate='NaN' is not a finite number");
        assertThatThrownBy(() -> AstConfig.builder().initialThreshold(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("ast.initialThreshold='Infinity'");
        assertThatThrownBy(() -> AstConfig.builder().minActive(0).build())
                .hasMessage("ast.minActive=0 is invalid; it must be >= 1");
        assertThatThrownBy(() -> AstConfig.builder().scorer(" ").build()).hasMessageContaining("ast.scorer");
        assertThatThrownBy(() -> AstConfig.builder().splits(-1).build()).hasMessageContaining("ast.splits=-1");
        assertThatThrownBy(() -> AstConfig.builder().maxBadSteps(0).build()).hasMessageContaining("ast.maxBadSteps=0");
        assertThatThrownBy(() -> AstConfig.builder().reseedEvery(-1).build())
                .hasMessageContaining("ast.reseedEvery=-1");
        Properties p = new Properties();
        p.setProperty("ast.targetRate", "ten percent");
        assertThatThrownBy(() -> AstConfig.fromProperties(p))
                .hasMessage("ast.targetRate='ten percent' is not a finite number");
        assertThatThrownBy(() -> new TargetConfig(0, 0.5, 2))
                .hasMessage("targetRate=0.0 is invalid; it must be in (0, 1]");
    }

    @Test
    void selectionValuesAreValidated() {
        Properties p = new Properties();
        p.setProperty("ast.selection", "stal");
        assertThatThrownBy(() -> AstConfig.fromProperties(p))
                .hasMessage("ast.selection='stal' is unknown; use fresh, history or stale");
        p.setProperty("ast.selection", "fresh");
        p.setProperty("ast.rescale", "true");
        assertThatThrownBy(() -> AstConfig.fromProperties(p))
                .hasMessageStartingWith("ast.rescale=true is invalid; it must be false while ast.exploration is 0");
        p.setProperty("ast.rescale", "yes");
        assertThatThrownBy(() -> AstConfig.fromProperties(p))
                .hasMessage("ast.rescale='yes' is invalid; use true or false");
        assertThatThrownBy(() -> new SelectionConfig(SelectionConfig.Mode.FRESH, 1.0, false, 0, 0))
                .hasMessageContaining("exploration=1.0");
        assertThatThrownBy(() -> new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, -1, 0))
                .hasMessageContaining("warmupEpochs=-1");
        assertThatThrownBy(() -> AstConfig.builder().setting("targetStart", "0").build())
                .hasMessage("ast.targetStart=0.0 is invalid; it must be in (0, 1]");
        SelectionConfig schedule = new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 2, 1);
        assertThat(schedule.phase(1, 5)).isEqualTo(SelectionConfig.Phase.WARMUP);
        assertThat(schedule.phase(3, 5)).isEqualTo(SelectionConfig.Phase.SPARSE);
        assertThat(schedule.phase(4, 5)).isEqualTo(SelectionConfig.Phase.SPARSE);
        assertThat(schedule.phase(5, 5)).isEqualTo(SelectionConfig.Phase.ANNEAL);
    }

    @Test
    void unknownKeysAreRejectedListingTheKnownOnes() {
        Properties p = new Properties();
        p.setProperty("ast.targetrate", "0.2");
        assertThatThrownBy(() -> AstConfig.fromProperties(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Unknown property ast.targetrate; known: [annealEpochs, backwardBatch, ")
                .hasMessageContaining("targetRate").hasMessageEndingWith(
                        " and ast.<scorer|gate|controller|energy|meter|policy>.<setting>");
        assertThatThrownBy(() -> AstConfig.builder().setting("optimizer.lr", "1")).hasMessageContaining(
                "ast.optimizer.lr");
        assertThatThrownBy(() -> AstConfig.builder().setting("scorer.", "1")).hasMessageContaining("ast.scorer.;");
        assertThatThrownBy(() -> new AstConfig(null, null, null, null, null, null, Map.of("optimizer", Map.of())))
                .hasMessageContaining("ast.optimizer.");
    }

    @Test
    void aBuilderAndPropertiesWithTheSameValuesGiveTheSameConfiguration() {
        AstConfig built = AstConfig.builder().setting("targetRate", "0.3").minActive(4)
                .setting("controller.kp", "0.002")
                .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0, 0.5, 3)).build();
        Properties p = new Properties();
        p.setProperty("ast.targetRate", " 0.3 ");
        p.setProperty("ast.minActive", "4");
        p.setProperty("ast.controller.kp", "0.002");
        p.setProperty("ast.selection", "stale");
        p.setProperty("ast.targetStart", "0.5");
        p.setProperty("ast.staleness", "3");
        assertThat(AstConfig.fromProperties(p)).isEqualTo(built);
        assertThat(built.target()).isEqualTo(new TargetConfig(0.3, 0.5, 4));
        assertThat(built.toBuilder().selection(SelectionConfig.DEFAULTS).build().selection())
                .isEqualTo(SelectionConfig.DEFAULTS);
        assertThat(built.toBuilder().engine(null).targetRate(0.5).build().target().targetRate()).isEqualTo(0.5);
    }

    @Test
    void everyCoreKeyIsDeclaredOnceWithADescription() {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (Class<? extends Record> group : AstConfigCodec.GROUPS) {
            io.github.ast.api.spi.OptionsBinder.describe(group).forEach(o -> {
                keys.add(o.key());
                assertThat(o.description()).as(o.key()).isNotBlank();
            });
        }
        assertThat(keys).containsExactly("engine", "scorer", "gate", "controller", "energy", "energyCompare", "meter",
                "policy", "targetRate", "initialThreshold", "minActive", "splits", "backwardBatch", "maxBadSteps",
                "clipNorm", "seed", "reseedEvery", "selection", "exploration", "rescale", "warmupEpochs", "annealEpochs",
                "targetStart", "staleness", "scoreEvery", "scoreDownsample");
        assertThat(AstConfig.defaults()).isEqualTo(AstConfig.builder().build());
    }

    /**
     * What {@code toProperties} wrote before AstConfig was split into groups (commit f406f63), key for key and in the
     * same order: checkpoints compare it with what a resumed run writes, and benchmarks record it.
     */
    @Test
    void propertiesAreWrittenExactlyAsBefore() {
        AstConfig[] configs = {
            AstConfig.defaults(),
            AstConfig.builder().engine("MXNet").scorer("loss").gate("probabilistic").controller("pid")
                    .energyModel("flops").energyCompare(java.util.List.of(" unit", "", "forward-backward", "unit"))
                    .meter("none").targetRate(0.25).initialThreshold(-0.125).minActive(7).splits(3).seed(-9)
                    .reseedEvery(0).maxBadSteps(5)
                    .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0.05, true, 1, 2, 0.6, 2))
                    .policy("importance").backwardBatch(64).setting("scorer.lossWeight", "0.5")
                    .setting("gate.temperature", "0.1").setting("controller.kd", "0.01")
                    .setting("energy.backwardFactor", "3").setting("meter.wattsPerCore", "7")
                    .setting("policy.mix", "0.3").build(),
            AstConfig.builder()
                    .selection(new SelectionConfig(SelectionConfig.Mode.FRESH, 0, false, 0, 0, Double.NaN, 5))
                    .scoring(new ScoringPass(4, 2)).energyCompare(java.util.List.of()).build(),
            AstConfig.builder().selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0.3, false, 0, 0))
                    .targetRate(1).build(),
            AstConfig.builder()
                    .selection(new SelectionConfig(SelectionConfig.Mode.STALE, 0, false, 0, 0, Double.NaN, 3))
                    .scoring(new ScoringPass(1, 3)).policy("gated").maxBadSteps(3).build()};
        String[] before = {
            "ast.engine=\nast.scorer=loss-intensity\nast.gate=threshold\nast.controller=pi\n"
                + "ast.energy=forward-backward\nast.energyCompare=unit,flops\nast.meter=auto\nast.targetRate=0.1\n"
                + "ast.initialThreshold=0.5\nast.minActive=2\nast.splits=0\nast.seed=42\nast.reseedEvery=100\n"
                + "ast.selection=fresh\nast.exploration=0.0\nast.rescale=false\nast.warmupEpochs=0\n"
                + "ast.annealEpochs=0\n",
            "ast.engine=MXNet\nast.scorer=loss\nast.gate=probabilistic\nast.controller=pid\nast.energy=flops\n"
                + "ast.energyCompare=unit,forward-backward\nast.meter=none\nast.targetRate=0.25\n"
                + "ast.initialThreshold=-0.125\nast.minActive=7\nast.splits=3\nast.seed=-9\nast.reseedEvery=0\n"
                + "ast.selection=stale\nast.exploration=0.05\nast.rescale=true\nast.warmupEpochs=1\n"
                + "ast.annealEpochs=2\nast.targetStart=0.6\nast.staleness=2\nast.policy=importance\n"
                + "ast.backwardBatch=64\nast.maxBadSteps=5\nast.scorer.lossWeight=0.5\nast.gate.temperature=0.1\n"
                + "ast.controller.kd=0.01\nast.energy.backwardFactor=3\nast.meter.wattsPerCore=7\nast.policy.mix=0.3\n",
            "ast.engine=\nast.scorer=loss-intensity\nast.gate=threshold\nast.controller=pi\n"
                + "ast.energy=forward-backward\nast.energyCompare=\nast.meter=auto\nast.targetRate=0.1\n"
                + "ast.initialThreshold=0.5\nast.minActive=2\nast.splits=0\nast.seed=42\nast.reseedEvery=100\n"
                + "ast.selection=fresh\nast.exploration=0.0\nast.rescale=false\nast.warmupEpochs=0\n"
                + "ast.annealEpochs=0\nast.scoreEvery=4\nast.scoreDownsample=2\n",
            "ast.engine=\nast.scorer=loss-intensity\nast.gate=threshold\nast.controller=pi\n"
                + "ast.energy=forward-backward\nast.energyCompare=unit,flops\nast.meter=auto\nast.targetRate=1.0\n"
                + "ast.initialThreshold=0.5\nast.minActive=2\nast.splits=0\nast.seed=42\nast.reseedEvery=100\n"
                + "ast.selection=history\nast.exploration=0.3\nast.rescale=false\nast.warmupEpochs=0\n"
                + "ast.annealEpochs=0\n",
            "ast.engine=\nast.scorer=loss-intensity\nast.gate=threshold\nast.controller=pi\n"
                + "ast.energy=forward-backward\nast.energyCompare=unit,flops\nast.meter=auto\nast.targetRate=0.1\n"
                + "ast.initialThreshold=0.5\nast.minActive=2\nast.splits=0\nast.seed=42\nast.reseedEvery=100\n"
                + "ast.selection=stale\nast.exploration=0.0\nast.rescale=false\nast.warmupEpochs=0\n"
                + "ast.annealEpochs=0\nast.staleness=3\nast.scoreDownsample=3\n"};
        for (int i = 0; i < configs.length; i++) {
            StringBuilder written = new StringBuilder();
            configs[i].toProperties()
                    .forEach((key, value) -> written.append(key).append('=').append(value).append('\n'));
            assertThat(written.toString()).as("configuration %d", i).isEqualTo(before[i]);
            assertThat(configs[i].toBuilder().build()).isEqualTo(configs[i]);
        }
        // ast.staleness is written only with stale selection, as before; the builder keeps it all the same.
        assertThat(configs[2].toBuilder().build().selection().staleness()).isEqualTo(5);
    }
}
