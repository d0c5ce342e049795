package io.github.ast.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.api.Controller;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class ControllerPropertiesTest {

    /** The controllers of this module, built from the same PI settings. */
    enum Kind {
        PI, PID, ADAPTIVE_PI;

        PiController create(PiSettings settings) {
            return switch (this) {
                case PI -> new PiController(settings);
                case PID -> new PidController(settings, new PidController.Derivative(0.01, 0.5));
                case ADAPTIVE_PI -> new AdaptivePiController(settings, GainAdaptation.DEFAULTS);
            };
        }
    }

    @Provide
    Arbitrary<List<Double>> rates() {
        return Arbitraries.doubles().between(0, 1).list().ofMinSize(1).ofMaxSize(500);
    }

    @Property
    void proportionalStepNeverLowersTheThresholdWhenTooManyAreActive(
            @ForAll @DoubleRange(min = 0.01, max = 0.99) double target,
            @ForAll @DoubleRange(min = 0, max = 1) double initial, @ForAll("rates") List<Double> rates,
            @ForAll boolean adaptive) {
        // Ki = 0 leaves the proportional step alone; the adaptive gain scale only multiplies it by a positive factor
        PiSettings settings = new PiSettings(target, initial,
                new PiOptions(0.0015, 0, 0.3, 50, 0.1, 0, 1, PiOptions.Rate.BATCH));
        PiController c = (adaptive ? Kind.ADAPTIVE_PI : Kind.PI).create(settings);
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
            @ForAll("rates") List<Double> rates, @ForAll Kind kind) {
        PiController c = kind.create(new PiSettings(target, 0.5,
                new PiOptions(kp, ki, 0.3, 50, 0.1, 0.05, 0.95, PiOptions.Rate.BATCH)));
        for (double rate : rates) {
            double t = c.update(rate);
            assertThat(t).isBetween(0.05, 0.95);
            assertThat(Math.abs(c.state().get("integral"))).isLessThanOrEqualTo(50);
        }
    }

    @Property
    void aRestoredControllerContinuesExactly(@ForAll @DoubleRange(min = 0.01, max = 1) double target,
            @ForAll("rates") List<Double> rates, @ForAll @IntRange(min = 0, max = 500) int split, @ForAll Kind kind) {
        PiSettings settings = PiSettings.reference(target, 0.5);
        Controller uninterrupted = kind.create(settings);
        Controller first = kind.create(settings);
        int at = Math.min(split, rates.size());
        List<Object> expected = new ArrayList<>();
        List<Object> actual = new ArrayList<>();
        for (double rate : rates) {
            uninterrupted.update(rate);
            expected.add(uninterrupted.state());
        }
        for (double rate : rates.subList(0, at)) {
            first.update(rate);
            actual.add(first.state());
        }
        Controller second = kind.create(settings);
        second.restore(first.state());
        for (double rate : rates.subList(at, rates.size())) {
            second.update(rate);
            actual.add(second.state());
        }
        assertThat(actual).isEqualTo(expected);
    }
}
