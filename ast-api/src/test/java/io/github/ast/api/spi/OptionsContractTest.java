package io.github.ast.api.spi;

import static io.github.ast.api.spi.OptionCheck.require;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records that break the options contract fail on first use, naming what is missing, not with a user's error. */
class OptionsContractTest {

    /** No DEFAULTS. */
    public record NoDefaults(@Option(description = "a") double a) {}

    /** A component that is neither a setting nor a nested record. */
    public record Unannotated(double a) {
        public static final Unannotated DEFAULTS = new Unannotated(1);
    }

    /** A type settings cannot be written in. */
    public record Unsupported(@Option(description = "a") float a) {
        public static final Unsupported DEFAULTS = new Unsupported(1);
    }

    /** A setting without a default. */
    public record NullDefault(@Option(description = "a") String a) {
        public static final NullDefault DEFAULTS = new NullDefault(null);
    }

    /** A default no configuration could set (NaN would be an optional setting's). */
    public record NotFinite(@Option(description = "a") double a) {
        public static final NotFinite DEFAULTS = new NotFinite(Double.POSITIVE_INFINITY);
    }

    /** One setting. */
    public record One(@Option(description = "a") double a) {
        public static final One DEFAULTS = new One(1);
    }

    /** The same key twice, through nesting. */
    public record Twice(One first, One second) {
        public static final Twice DEFAULTS = new Twice(One.DEFAULTS, One.DEFAULTS);
    }

    /** A check naming a key the record does not have. */
    public record Misnamed(@Option(description = "a") double rate) {
        public static final Misnamed DEFAULTS = new Misnamed(1);

        public Misnamed {
            require(rate > 0, "rat", rate, "> 0");
        }
    }

    @Test
    void brokenRecordsAreProgrammingErrors() {
        assertThatThrownBy(() -> OptionsBinder.keys(NoDefaults.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a public static final NoDefaults DEFAULTS");
        assertThatThrownBy(() -> OptionsBinder.keys(Unannotated.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Unannotated.a must be an @Option");
        assertThatThrownBy(() -> OptionsBinder.keys(Unsupported.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Unsupported.a must be an @Option of type double, int, long, boolean");
        assertThatThrownBy(() -> OptionsBinder.keys(NullDefault.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NullDefault.a is null in DEFAULTS");
        assertThatThrownBy(() -> OptionsBinder.keys(NotFinite.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NotFinite.a is Infinity in DEFAULTS");
        assertThatThrownBy(() -> OptionsBinder.keys(Twice.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("declares the setting 'a' twice");
        assertThatThrownBy(() -> OptionsBinder.bind(Misnamed.class, Settings.of("ast.x.", Map.of("rate", "-1"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused a value of 'rat', which is not one of its settings [rate]");
    }
}
