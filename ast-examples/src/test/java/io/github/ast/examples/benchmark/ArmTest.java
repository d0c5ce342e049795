package io.github.ast.examples.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.core.AstConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArmTest {

    @Test
    void parsesEveryKindAndTheShorthandForRates() {
        List<Arm> arms = ArmParser.parseList(List.of("full", "random-batch@0.1", "0.3", "rs2@0.5", ".25",
                "seed", "seed:random", "ast-100"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("full", "random-batch@0.1", "random-batch@0.3",
                "rs2@0.5", "rs2@.25", "seed", "seed:random", "ast-100");
        assertThat(arms).extracting(Arm::kind).containsExactly(Arm.Kind.FULL, Arm.Kind.RANDOM_BATCH,
                Arm.Kind.RANDOM_BATCH, Arm.Kind.RS2, Arm.Kind.RS2, Arm.Kind.AST, Arm.Kind.AST, Arm.Kind.AST);
        assertThat(arms).extracting(Arm::rate).containsExactly(1.0, 0.1, 0.3, 0.5, 0.25, 0.1, 0.1, 1.0);
        assertThat(arms.get(1).isRandomControl()).isTrue();
        assertThat(arms.get(0).isRandomControl()).isFalse();
        assertThat(arms.get(5).isRandomControl()).isFalse();
    }

    @Test
    void infoBatchArmsCarryTheirPruneRatioAndTheAblation() {
        List<Arm> arms = ArmParser.parseList(List.of("infobatch@0.5", "0.3", "infobatch@0.5:random"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("infobatch@0.5", "infobatch@0.3",
                "infobatch@0.5:random");
        assertThat(arms).extracting(Arm::kind).containsOnly(Arm.Kind.INFOBATCH);
        assertThat(arms).extracting(Arm::rate).containsExactly(0.5, 0.3, 0.5);
        assertThat(arms).extracting(Arm::randomScores).containsExactly(false, false, true);
        assertThat(arms.get(0).isRandomControl()).isFalse();
        assertThat(arms.get(2).description()).contains("ablation");
        assertThatThrownBy(() -> Arm.parse("infobatch@1", 0.1)).hasMessageContaining("prune ratio 1.0")
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Arm.parse("rs2@0.5:random", 0.1)).hasMessageContaining("not a number");
    }

    @Test
    void astArmsConfigureTheBaseConfiguration() {
        AstConfig base = AstConfig.builder().targetRate(0.2).build();
        AstConfig ablation = Arm.parse("seed:random", 0.2).configure().apply(base.toBuilder()).build();
        assertThat(ablation.plugins().scorer()).isEqualTo("random");
        assertThat(ablation.plugins().gate()).isEqualTo(base.plugins().gate());
        assertThat(ablation.target().targetRate()).isEqualTo(0.2);
        AstConfig seed = Arm.parse("seed", 0.2).configure().apply(base.toBuilder()).build();
        assertThat(seed.toProperties()).isEqualTo(base.toProperties());
        AstConfig all = Arm.parse("ast-100", 0.2).configure().apply(base.toBuilder()).build();
        assertThat(all.target().targetRate()).isEqualTo(1.0);
    }

    @Test
    void selectiveBackpropArmsPoolAndCarryBetaAndTheAblation() {
        List<Arm> arms = ArmParser.parseList(List.of("sb@1", "2", "sb@2:random", "stale-sb",
                "stale-sb:random"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("sb@1", "sb@2", "sb@2:random", "stale-sb",
                "stale-sb:random");
        assertThat(arms).extracting(Arm::kind).containsOnly(Arm.Kind.AST);
        assertThat(arms.get(1).rate()).isCloseTo(1 / 3.0, org.assertj.core.api.Assertions.within(1e-12));
        AstConfig base = AstConfig.defaults();
        AstConfig sb = arms.get(1).configure().apply(base.toBuilder()).build();
        assertThat(sb.plugins().policy()).isEqualTo("selective-backprop");
        assertThat(sb.settings().get("policy")).containsEntry("beta", "2.0");
        assertThat(sb.plugins().scorer()).isEqualTo("loss");
        assertThat(sb.steps().backwardBatch()).as("pooled; the runner sets the batch size").isPositive();
        assertThat(arms.get(2).configure().apply(base.toBuilder()).build().plugins().scorer()).isEqualTo("random");
        AstConfig stale = arms.get(3).configure().apply(base.toBuilder()).build();
        assertThat(stale.selection().mode()).isEqualTo(io.github.ast.core.SelectionConfig.Mode.STALE);
        assertThat(stale.settings().get("policy")).containsEntry("beta", "1.0");
        assertThat(arms.get(4).configure().apply(base.toBuilder()).build().plugins().scorer()).isEqualTo("random");
        assertThat(arms.get(2).description()).contains("ablation");
        assertThatThrownBy(() -> Arm.parse("sb@0", 0.1)).hasMessageContaining("beta 0.0 must be finite and > 0");
    }

    @Test
    void importanceArmsLoadPresamplesOfThreeBatchesAndPool() {
        List<Arm> arms = ArmParser.parseList(List.of("importance", "importance:random", "seed"), 0.1);
        assertThat(arms).extracting(Arm::presample).containsExactly(3.0, 3.0, 1.0);
        AstConfig importance = arms.get(0).configure().apply(AstConfig.defaults().toBuilder()).build();
        assertThat(importance.plugins().policy()).isEqualTo("importance");
        assertThat(importance.settings().get("policy")).containsEntry("presample", "3").containsEntry("score", "loss");
        assertThat(importance.steps().backwardBatch()).as("pooled; the runner sets the batch size").isPositive();
        AstConfig ablation = arms.get(1).configure().apply(AstConfig.defaults().toBuilder()).build();
        assertThat(ablation.plugins().scorer()).isEqualTo("random");
        assertThat(ablation.settings().get("policy")).containsEntry("score", "scorer");
        assertThat(arms.get(1).description()).contains("ablation");
    }

    @Test
    void autoAndRhoLossArmsCarryTheirSettingsAndAblations() {
        List<Arm> arms = ArmParser.parseList(List.of("auto", "rho-loss", "rho-loss:random"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("auto", "rho-loss", "rho-loss:random");
        AstConfig auto = arms.get(0).configure().apply(AstConfig.defaults().toBuilder()).build();
        assertThat(auto.plugins().policy()).isEqualTo("auto");
        assertThat(auto.steps().backwardBatch()).as("pooled; the runner sets the batch size").isPositive();
        assertThat(arms.get(0).description()).contains("held-out progress");
        AstConfig rho = arms.get(1).configure().apply(AstConfig.defaults().toBuilder()).build();
        assertThat(rho.plugins().policy()).isEqualTo("rho-loss");
        assertThat(rho.settings().get("policy")).containsEntry("randomScores", "false");
        assertThat(arms.get(2).configure().apply(AstConfig.defaults().toBuilder()).build().settings().get("policy"))
                .containsEntry("randomScores", "true");
        assertThatThrownBy(() -> Arm.parse("auto@0.3", 0.1)).hasMessageContaining("arm 'auto@0.3' is unknown");
    }

    /** {@code rho-loss@e}: the reference's epochs reach the policy's settings; the ablation keeps them. */
    @Test
    void rhoLossArmsSetTheReferenceEpochs() {
        List<Arm> arms = ArmParser.parseList(List.of("rho-loss@8", "rho-loss@8:random"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("rho-loss@8", "rho-loss@8:random");
        AstConfig rho = arms.get(0).configure().apply(AstConfig.defaults().toBuilder()).build();
        assertThat(rho.plugins().policy()).isEqualTo("rho-loss");
        assertThat(rho.settings().get("policy")).containsEntry("referenceEpochs", "8")
                .containsEntry("randomScores", "false");
        assertThat(arms.get(1).configure().apply(AstConfig.defaults().toBuilder()).build().settings().get("policy"))
                .containsEntry("referenceEpochs", "8").containsEntry("randomScores", "true");
        assertThat(arms.get(1).description()).contains("8 epochs", "ablation");
        assertThatThrownBy(() -> Arm.parse("rho-loss@0", 0.1)).hasMessageContaining("reference epochs 0 must be a "
                + "whole number >= 1");
        assertThatThrownBy(() -> Arm.parse("rho-loss@2.5", 0.1)).hasMessageContaining("reference epochs 2.5");
    }

    /** The published system with a cheaper scoring pass: one batch in k, or images pooled by d. */
    @Test
    void cheaperScoringArmsSetTheScoringPass() {
        List<Arm> arms = ArmParser.parseList(List.of("seed-every@4", "2", "seed-down@2"), 0.1);
        assertThat(arms).extracting(Arm::label).containsExactly("seed-every@4", "seed-every@2", "seed-down@2");
        assertThat(arms).extracting(Arm::kind).containsOnly(Arm.Kind.AST);
        assertThat(arms).extracting(Arm::rate).containsOnly(0.1);
        AstConfig base = AstConfig.builder().targetRate(0.1).build();
        assertThat(arms.get(0).configure().apply(base.toBuilder()).build().scoring())
                .isEqualTo(new io.github.ast.core.ScoringPass(4, 1));
        AstConfig down = arms.get(2).configure().apply(base.toBuilder()).build();
        assertThat(down.scoring()).isEqualTo(new io.github.ast.core.ScoringPass(1, 2));
        assertThat(down.toProperties()).containsEntry("ast.scoreDownsample", "2")
                .containsEntry("ast.scorer", base.plugins().scorer());
        assertThat(arms.get(0).description()).contains("one batch in 4");
        assertThatThrownBy(() -> Arm.parse("seed-every@1", 0.1)).hasMessageContaining("1 must be >= 2");
        assertThatThrownBy(() -> Arm.parse("seed-down@1.5", 0.1)).hasMessageContaining("'1.5' is not a whole number");
        BenchmarkCommand.requireScorable(arms, "cnn-gap");
        BenchmarkCommand.requireScorable(arms.subList(0, 2), "cnn");
        assertThatThrownBy(() -> BenchmarkCommand.requireScorable(arms, "cnn"))
                .hasMessageStartingWith("arm 'seed-down@2' scores images pooled by 2, which --model cnn cannot take");
        BenchmarkCommand.requireScorable(List.of(Arm.parse("seed-down@9", 0.1)), "cnn-gap");
        assertThatThrownBy(() -> BenchmarkCommand.requireScorable(List.of(Arm.parse("seed-down@10", 0.1)), "cnn-gap"))
                .hasMessageContaining("seed-down@2 to seed-down@9");
    }

    @Test
    void practitionerRemediesAndClassAwareArmsParse() {
        assertThat(Arm.parse("balanced", 0.1).kind()).isEqualTo(Arm.Kind.BALANCED);
        assertThat(Arm.parse("dedup", 0.1).kind()).isEqualTo(Arm.Kind.DEDUP);
        assertThat(Arm.parse("early-stop", 0.1).needsCleanHoldout()).isTrue();
        Arm fineTune = Arm.parse("finetune@0.1", 0.1);
        assertThat(fineTune.kind()).isEqualTo(Arm.Kind.FINE_TUNE);
        assertThat(fineTune.rate()).isEqualTo(0.1);
        assertThat(fineTune.needsCleanHoldout()).isTrue();
        assertThat(fineTune.isPractitionerBaseline()).isTrue();
        assertThat(fineTune.trainsPlain()).isTrue();
        Arm adjusted = Arm.parse("rs2@0.3+la", 0.1);
        assertThat(adjusted.label()).isEqualTo("rs2@0.3+la");
        assertThat(adjusted.kind()).isEqualTo(Arm.Kind.RS2);
        assertThat(adjusted.logitAdjusted()).isTrue();
        assertThat(adjusted.isRandomControl()).isFalse();
        assertThat(adjusted.isPractitionerBaseline()).isTrue();
        assertThat(adjusted.description()).contains("logit-adjusted");
        assertThat(Arm.parse("full+la", 0.1).trainsPlain()).isTrue();
        Arm classAware = Arm.parse("classprune@0.3", 0.1);
        assertThat(classAware.kind()).isEqualTo(Arm.Kind.CLASS_PRUNE);
        assertThat(classAware.isPractitionerBaseline()).isFalse();
        assertThat(Arm.parse("classprune@0.3:random", 0.1).randomScores()).isTrue();
        assertThat(Arm.parse("rho-clean", 0.1).reference()).isEqualTo(Arm.Reference.CLEAN_HOLDOUT_BEFOREHAND);
        assertThat(Arm.parse("rho-clean:clocked", 0.1).reference()).isEqualTo(Arm.Reference.CLEAN_HOLDOUT);
        assertThat(Arm.parse("rho-clean", 0.1).needsCleanHoldout()).isTrue();
        assertThat(Arm.parse("auto-rho", 0.1).reference()).isEqualTo(Arm.Reference.CLEAN_HOLDOUT_BEFOREHAND);
        assertThat(Arm.parse("rho-loss", 0.1).needsCleanHoldout()).isFalse();
        assertThat(ArmParser.parseList(java.util.List.of("rs2@0.3+la", "0.5"), 0.1).get(1).label())
                .isEqualTo("rs2@0.5+la");
        assertThatThrownBy(() -> Arm.parse("infobatch@0.3+la", 0.1)).hasMessageContaining("applies to full and "
                + "rs2@r");
        assertThatThrownBy(() -> Arm.parse("finetune@1", 0.1)).hasMessageContaining("fine-tuned share of the budget "
                + "1.0 must be in (0, 1)");
        assertThatThrownBy(() -> Arm.parse("classprune@1", 0.1)).hasMessageContaining("prune ratio 1.0");
    }

    @Test
    void badLabelsAreNamedWithWhatIsKnown() {
        assertThatThrownBy(() -> Arm.parse("top-k", 0.1)).hasMessageContaining("'top-k' is unknown")
                .hasMessageContaining("random-batch@r").hasMessageContaining("seed:random");
        assertThatThrownBy(() -> Arm.parse("rs2@x", 0.1)).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> Arm.parse("random-batch@1.5", 0.1)).hasMessageContaining("rate 1.5")
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> ArmParser.parseList(List.of("0.1"), 0.1))
                .hasMessageContaining("bare rate with no arm before it");
        assertThatThrownBy(() -> ArmParser.parseList(List.of("full", "0.1"), 0.1))
                .hasMessageContaining("bare rate");
        assertThatThrownBy(() -> ArmParser.parseList(List.of("rs2@0.1", "rs2@0.1"), 0.1))
                .hasMessageContaining("listed twice");
    }
}
