package io.github.ast.api.spi;

import static io.github.ast.api.spi.OptionCheck.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ast.api.ConfigurationException;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** Binding settings to options records: defaults, parsing, unknown keys, checks with the prefix, descriptions. */
class OptionsBinderTest {

    /** How strongly to smooth, as an enum setting. */
    public enum Smoothing { NONE, EXPONENTIAL_MOVING }

    /** One setting of every supported type. */
    public record Everything(
            @Option(description = "a rate") double rate,
            @Option(description = "a count") int count,
            @Option(description = "a seed") long seed,
            @Option(description = "a switch") boolean enabled,
            @Option(description = "a label") String label,
            @Option(description = "a mode") Smoothing smoothing) {

        public static final Everything DEFAULTS = new Everything(0.00005, 3, 1L << 40, true, "x", Smoothing.NONE);

        public Everything {
            require(rate >= 0 && rate <= 1, "rate", rate, "in [0, 1]");
            require(count >= 1, "count", count, ">= 1");
        }
    }

    /** Settings shared by two plugins. */
    public record Gains(@Option(description = "proportional gain") double kp,
            @Option(description = "upper bound") double max) {

        public static final Gains DEFAULTS = new Gains(0.5, 1);

        public Gains {
            require(kp < max, "kp", kp, "below max (" + max + ")");
        }
    }

    /** A nested record: its keys join the outer ones, its defaults come from the outer DEFAULTS. */
    public record WithDerivative(Gains gains, @Option(description = "derivative gain") double kd) {

        public static final WithDerivative DEFAULTS = new WithDerivative(new Gains(0.25, 2), 0.1);
    }

    /** A key that is a Java keyword, so that the component is named otherwise. */
    public record Keyword(@Option(key = "final", description = "the last fraction") double finalFraction) {

        public static final Keyword DEFAULTS = new Keyword(0.125);

        public Keyword {
            require(finalFraction >= 0 && finalFraction < 1, "final", finalFraction, "in [0, 1)");
        }
    }

    private static Settings settings(Map<String, String> values) {
        return Settings.of("ast.test.", values);
    }

    @Test
    void unsetKeysTakeTheDefaults() {
        assertThat(OptionsBinder.bind(Everything.class, Settings.empty())).isEqualTo(Everything.DEFAULTS);
        assertThat(OptionsBinder.bind(NoOptions.class, Settings.empty())).isEqualTo(NoOptions.DEFAULTS);
    }

    @Test
    void everySupportedTypeParses() {
        Everything bound = OptionsBinder.bind(Everything.class, settings(Map.of("rate", " 0.25 ", "count", "7",
                "seed", "-9000000000", "enabled", "false", "label", " y ", "smoothing", "exponential-moving")));
        assertThat(bound).isEqualTo(new Everything(0.25, 7, -9_000_000_000L, false, "y", Smoothing.EXPONENTIAL_MOVING));
    }

    @Test
    void unparsableValuesNameTheKeyTheValueAndTheType() {
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("rate", "fast"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("ast.test.rate='fast' is not a finite number");
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("rate", "NaN"))))
                .hasMessage("ast.test.rate='NaN' is not a finite number");
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("count", "2.5"))))
                .hasMessage("ast.test.count='2.5' is not an integer");
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("seed", "1e3"))))
                .hasMessage("ast.test.seed='1e3' is not an integer");
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("enabled", "yes"))))
                .hasMessage("ast.test.enabled='yes' is invalid; use true or false");
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("smoothing", "NONE"))))
                .hasMessage("ast.test.smoothing='NONE' is unknown; use none or exponential-moving");
    }

    @Test
    void unknownKeysAreRefusedListingTheAcceptedOnes() {
        assertThatThrownBy(() -> OptionsBinder.bind(WithDerivative.class, settings(Map.of("kP", "1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown setting ast.test.kP for 'OptionsBinderTest.WithDerivative'; it accepts "
                        + "[kd, kp, max]");
        assertThatThrownBy(() -> OptionsBinder.bind(NoOptions.class, settings(Map.of("kp", "1"))))
                .hasMessageEndingWith("it accepts no settings");
    }

    @Test
    void refusedValuesNameTheFullKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> OptionsBinder.bind(Everything.class, settings(Map.of("rate", "-1"))))
                .isInstanceOf(InvalidOptionException.class).isInstanceOf(ConfigurationException.class)
                .hasMessage("ast.test.rate=-1.0 is invalid; it must be in [0, 1]");
        assertThatThrownBy(() -> OptionsBinder.bind(WithDerivative.class, settings(Map.of("kp", "3"))))
                .hasMessage("ast.test.kp=3.0 is invalid; it must be below max (2.0)");
        assertThatThrownBy(() -> new Gains(2, 1)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("kp=2.0 is invalid; it must be below max (1.0)");
        assertThat(((InvalidOptionException) catchRefusal(Map.of("count", "0"))).key()).isEqualTo("ast.test.count");
    }

    private static RuntimeException catchRefusal(Map<String, String> values) {
        try {
            OptionsBinder.bind(Everything.class, settings(values));
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("bound " + values);
    }

    @Test
    void nestedRecordsShareThePrefixAndTakeTheirDefaultsFromTheOuterRecord() {
        assertThat(OptionsBinder.keys(WithDerivative.class)).containsExactly("kp", "max", "kd");
        assertThat(OptionsBinder.bind(WithDerivative.class, settings(Map.of("max", "3", "kd", "0"))))
                .isEqualTo(new WithDerivative(new Gains(0.25, 3), 0));
    }

    @Test
    void anOptionMayNameItsKeyWhenTheComponentCannotBeNamedSo() {
        assertThat(OptionsBinder.keys(Keyword.class)).containsExactly("final");
        assertThat(OptionsBinder.describe(Keyword.class)).containsExactly(
                new OptionInfo("final", double.class, "0.125", java.util.List.of(), "the last fraction"));
        assertThat(OptionsBinder.bind(Keyword.class, settings(Map.of("final", "0.5")))).isEqualTo(new Keyword(0.5));
        assertThatThrownBy(() -> OptionsBinder.bind(Keyword.class, settings(Map.of("final", "1"))))
                .hasMessage("ast.test.final=1.0 is invalid; it must be in [0, 1)");
        assertThatThrownBy(() -> OptionsBinder.bind(Keyword.class, settings(Map.of("finalFraction", "0.5"))))
                .hasMessageStartingWith("Unknown setting ast.test.finalFraction");
    }

    @Test
    void descriptionsAreThereForTheReference() {
        assertThat(OptionsBinder.describe(Everything.class)).containsExactly(
                new OptionInfo("rate", double.class, "0.00005", java.util.List.of(), "a rate"),
                new OptionInfo("count", int.class, "3", java.util.List.of(), "a count"),
                new OptionInfo("seed", long.class, "1099511627776", java.util.List.of(), "a seed"),
                new OptionInfo("enabled", boolean.class, "true", java.util.List.of(), "a switch"),
                new OptionInfo("label", String.class, "x", java.util.List.of(), "a label"),
                new OptionInfo("smoothing", Smoothing.class, "none", java.util.List.of("none", "exponential-moving"),
                        "a mode"));
        assertThat(OptionsBinder.describe(WithDerivative.class)).extracting(OptionInfo::defaultValue)
                .containsExactly("0.25", "2", "0.1");
        assertThat(OptionsBinder.describe(NoOptions.class)).isEmpty();
    }

    @Test
    void theDefaultsAsWrittenInTheReferenceBindToTheDefaults() {
        Map<String, String> written = new java.util.TreeMap<>();
        OptionsBinder.describe(Everything.class).forEach(o -> written.put(o.key(), o.defaultValue()));
        assertThat(OptionsBinder.bind(Everything.class, settings(written))).isEqualTo(Everything.DEFAULTS);
    }

    @Property
    void aRateIsBoundOrRefusedNamingItsFullKey(@ForAll @DoubleRange(min = -2, max = 2) double rate) {
        Map<String, String> values = Map.of("rate", Double.toString(rate));
        if (rate >= 0 && rate <= 1) {
            assertThat(OptionsBinder.bind(Everything.class, settings(values)).rate()).isEqualTo(rate);
        } else {
            assertThat(catchRefusal(values)).hasMessageStartingWith("ast.test.rate=" + rate + " is invalid");
        }
    }

    @Test
    void aFactoryDerivesItsKeysFromItsOptions() {
        PluginFactory<String> withOptions = new PluginFactory<>() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public Class<WithDerivative> optionsType() {
                return WithDerivative.class;
            }

            @Override
            public String create(PluginContext context) {
                return context.options(WithDerivative.class).toString();
            }
        };
        assertThat(withOptions.settingKeys()).containsExactly("kp", "max", "kd");
        assertThat(withOptions.create(new PluginContext(0.1, 0.5, 1, settings(Map.of("kd", "0.5")))))
                .contains("kd=0.5");
    }

    /** An optional number: unset unless configured. */
    public record OptionalStart(@Option(description = "a start, none by default") double start) {

        public static final OptionalStart DEFAULTS = new OptionalStart(Double.NaN);

        public OptionalStart {
            require(Double.isNaN(start) || start > 0, "start", start, "> 0");
        }
    }

    @Test
    void aNaNDefaultMakesANumberOptional() {
        assertThat(OptionsBinder.bind(OptionalStart.class, settings(Map.of()))).isEqualTo(OptionalStart.DEFAULTS);
        assertThat(OptionsBinder.bind(OptionalStart.class, settings(Map.of("start", "0.5"))))
                .isEqualTo(new OptionalStart(0.5));
        assertThatThrownBy(() -> OptionsBinder.bind(OptionalStart.class, settings(Map.of("start", "NaN"))))
                .hasMessage("ast.test.start='NaN' is not a finite number");
        assertThatThrownBy(() -> OptionsBinder.bind(OptionalStart.class, settings(Map.of("start", "-1"))))
                .hasMessage("ast.test.start=-1.0 is invalid; it must be > 0");
        assertThat(OptionsBinder.describe(OptionalStart.class)).containsExactly(
                new OptionInfo("start", double.class, "", java.util.List.of(), "a start, none by default"));
    }

    @Test
    void valuesGiveTheRecordBackThroughBind() {
        WithDerivative options = new WithDerivative(new Gains(0.125, 3), 0.5);
        Map<String, Object> values = OptionsBinder.values(options);
        assertThat(values).containsExactly(Map.entry("kp", 0.125), Map.entry("max", 3.0), Map.entry("kd", 0.5));
        Map<String, String> written = new java.util.TreeMap<>();
        values.forEach((key, value) -> written.put(key, value.toString()));
        assertThat(OptionsBinder.bind(WithDerivative.class, settings(written))).isEqualTo(options);
        assertThat(OptionsBinder.values(new Keyword(0.5))).containsExactly(Map.entry("final", 0.5));
    }
}
