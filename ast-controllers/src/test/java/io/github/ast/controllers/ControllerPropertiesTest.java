package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class ControllerPropertiesTest {

    @Provide
    Arbitrary<List<Double>> rates() {
        return Arbitraries.doubles().between(0, 1).list().ofMinSize(1).ofMaxSize(500);
    }

    @Property
    void proportionalStepNeverLowersTheThresholdWhenTooManyAreActive(
            @ForAll @DoubleRange(min = 0.01, max = 0.99) double target,
            @ForAll @DoubleRange(min = 0, max = 1) double initial, @ForAll("rates") List<Double> rates) {
        PiController c = new PiController(new PiSettings(target, initial, 0.0015, 0, 0.3, 50, 0.1, 0, 1));
        for (double rate : rates) {
            double above = target + (1 - target) * rate + 1e-9; // strictly above target
            double before = c.threshold();
            c.update(Math.min(1, above));
            assertThat(c.threshold()).isGreaterThanOrEqualTo(before);
        }
    }

    @Property
    void thresholdStaysFiniteAndBoundedAndIntegralClamped(@ForAll @DoubleRange(min = 0.01, max = 1) double target,
            @ForAll @DoubleRange(min = 0, max = 0.1) double kp, @ForAll @DoubleRange(min = 0, max = 0.01) double ki,
            @ForAll("rates") List<Double> rates, @ForAll boolean derivative) {
        PiSettings s = new PiSettings(target, 0.5, kp, ki, 0.3, 50, 0.1, 0.05, 0.95);
        PiController c = derivative ? new PidController(s, 0.01, 0.5) : new PiController(s);
        for (double rate : rates) {
            double t = c.update(rate);
            assertThat(t).isBetween(0.05, 0.95);
            assertThat(Math.abs(c.state().get("integral"))).isLessThanOrEqualTo(50);
        }
    }
}
