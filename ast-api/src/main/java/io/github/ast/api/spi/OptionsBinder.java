package io.github.ast.api.spi;

import io.github.ast.api.ConfigurationException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a plugin's options record from its {@link Settings}, and describes the record for the configuration
 * reference, so that each setting's key, type, default, description and checks are written once, in the record.
 *
 * <p>An options record is a public record with a {@code public static final DEFAULTS} instance of itself. Each
 * component is either a setting, annotated with {@link Option}, or a public record of further settings, which join
 * this one's under the same prefix and take their defaults from this record's {@code DEFAULTS} (how a PID
 * controller's options reuse the PI controller's). Values are checked in the compact constructor with
 * {@link OptionCheck#require}, so a record is valid however it was made; a {@code double} setting is always finite,
 * except that a {@code double} whose default is NaN is optional: unset (NaN) unless configured, and shown without a
 * default.
 *
 * <p>Binding fails with a {@link ConfigurationException} naming the full key: on an unknown key (listing the
 * accepted ones), on a value that does not parse as the setting's type, and on a value the record refuses. A record
 * that breaks the contract above is a programming error, reported as an {@link IllegalStateException}.
 */
public final class OptionsBinder {

    private OptionsBinder() {}

    /**
     * Builds an options record: defaults for the keys that are not set, parsed values for the others.
     *
     * @param type the options record
     * @param settings the plugin's settings; their prefix completes the keys in messages
     * @param <O> the record type
     * @return the validated record
     * @throws ConfigurationException if a key is unknown, a value does not parse or the record refuses it
     */
    public static <O extends Record> O bind(Class<O> type, Settings settings) {
        Set<String> keys = keys(type);
        settings.requireOnly(displayName(type), keys);
        try {
            return type.cast(build(type, defaults(type), settings));
        } catch (InvalidOptionException e) {
            if (!keys.contains(e.key())) {
                throw new IllegalStateException(type.getName() + " refused a value of '" + e.key()
                        + "', which is not one of its settings " + keys, e);
            }
            throw e.withPrefix(settings.prefix());
        }
    }

    /**
     * Returns the keys of an options record, nested records' included, in declaration order.
     *
     * @param type the options record
     * @return the keys, without prefix
     */
    public static Set<String> keys(Class<? extends Record> type) {
        Set<String> keys = new LinkedHashSet<>();
        describe(type).forEach(option -> keys.add(option.key()));
        return Collections.unmodifiableSet(keys);
    }

    /**
     * Describes every setting of an options record, nested records' included, in declaration order.
     *
     * @param type the options record
     * @return one entry per setting
     * @throws IllegalStateException if the record breaks the contract in this class's description
     */
    public static List<OptionInfo> describe(Class<? extends Record> type) {
        List<OptionInfo> options = new ArrayList<>();
        describe(type, defaults(type), options);
        Set<String> seen = new LinkedHashSet<>();
        for (OptionInfo option : options) {
            if (!seen.add(option.key())) {
                throw new IllegalStateException(type.getName() + " declares the setting '" + option.key()
                        + "' twice (through its nested records)");
            }
        }
        return List.copyOf(options);
    }

    /**
     * Returns the settings' values of an options record, nested records' included, by key in declaration order: what
     * {@link #bind} would need to give the record back.
     *
     * @param options an options record
     * @return key (without prefix) to value
     * @throws IllegalStateException if the record breaks the contract in this class's description
     */
    public static Map<String, Object> values(Record options) {
        Map<String, Object> values = new LinkedHashMap<>();
        values(options, values);
        return Collections.unmodifiableMap(values);
    }

    private static void values(Object options, Map<String, Object> into) {
        for (RecordComponent component : options.getClass().getRecordComponents()) {
            Object value = invoke(component, options);
            if (nested(component)) {
                values(value, into);
            } else {
                into.put(key(component), value);
            }
        }
    }

    private static void describe(Class<?> type, Object defaults, List<OptionInfo> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            Object fallback = read(component, defaults);
            if (nested(component)) {
                describe(component.getType(), fallback, into);
                continue;
            }
            String description = component.getAnnotation(Option.class).description();
            if (description.isBlank()) {
                throw new IllegalStateException(where(component) + " has an empty @Option description");
            }
            List<String> choices = component.getType().isEnum()
                    ? Arrays.stream(component.getType().getEnumConstants()).map(OptionsBinder::spell).toList()
                    : List.of();
            into.add(new OptionInfo(key(component), component.getType(), spell(fallback), choices, description));
        }
    }

    private static Object build(Class<?> type, Object defaults, Settings settings) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Object fallback = read(component, defaults);
            values[i] = nested(component) ? build(component.getType(), fallback, settings)
                    : parse(component, fallback, settings);
            types[i] = component.getType();
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot create " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName() + "; options records must be public",
                    e);
        }
    }

    private static Object parse(RecordComponent component, Object fallback, Settings settings) {
        String key = key(component);
        Class<?> type = component.getType();
        if (type == double.class) {
            return settings.getDouble(key, (Double) fallback);
        } else if (type == int.class) {
            return settings.getInt(key, (Integer) fallback);
        } else if (type == long.class) {
            return settings.getLong(key, (Long) fallback);
        } else if (type == boolean.class) {
            return settings.getBoolean(key, (Boolean) fallback);
        } else if (type == String.class) {
            return settings.getString(key, (String) fallback);
        }
        String raw = settings.getString(key, null);
        if (raw == null) {
            return fallback;
        }
        List<String> choices = Arrays.stream(type.getEnumConstants()).map(OptionsBinder::spell).toList();
        int at = choices.indexOf(raw);
        if (at < 0) {
            int last = choices.size() - 1;
            throw new ConfigurationException(settings.prefix() + key + "='" + raw + "' is unknown; use "
                    + (last == 0 ? "" : String.join(", ", choices.subList(0, last)) + " or ") + choices.get(last));
        }
        return type.getEnumConstants()[at];
    }

    /** The setting's key: the {@link Option#key()} if given, else the component's name. */
    private static String key(RecordComponent component) {
        String key = component.getAnnotation(Option.class).key();
        return key.isEmpty() ? component.getName() : key;
    }

    /** Whether a component is a nested options record; throws if it is neither that nor a supported setting. */
    private static boolean nested(RecordComponent component) {
        Class<?> type = component.getType();
        boolean annotated = component.isAnnotationPresent(Option.class);
        if (!annotated && type.isRecord()) {
            return true;
        }
        boolean supported = type == double.class || type == int.class || type == long.class
                || type == boolean.class || type == String.class || type.isEnum() && type.getEnumConstants().length > 0;
        if (!annotated || !supported) {
            throw new IllegalStateException(where(component) + " must be an @Option of type double, int, long, "
                    + "boolean, String or a non-empty enum, or an options record without @Option");
        }
        return false;
    }

    private static Object defaults(Class<?> type) {
        Field field;
        try {
            field = type.getField("DEFAULTS");
        } catch (NoSuchFieldException e) {
            field = null;
        }
        if (field == null || field.getType() != type || !Modifier.isStatic(field.getModifiers())
                || !Modifier.isFinal(field.getModifiers())) {
            throw new IllegalStateException(type.getName() + " needs a public static final " + type.getSimpleName()
                    + " DEFAULTS holding its default values");
        }
        Object defaults;
        try {
            defaults = field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + type.getName() + ".DEFAULTS; options records must be "
                    + "public", e);
        }
        if (defaults == null) {
            throw new IllegalStateException(type.getName() + ".DEFAULTS is null: was it read while "
                    + type.getSimpleName() + " was being initialised?");
        }
        return defaults;
    }

    private static Object read(RecordComponent component, Object record) {
        Object value = invoke(component, record);
        if (value == null || value instanceof Double d && d.isInfinite()) {
            throw new IllegalStateException(where(component) + " is " + value + " in DEFAULTS; every setting "
                    + "needs a default that can be written in configuration (NaN for an optional number)");
        }
        return value;
    }

    private static Object invoke(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + where(component) + "; options records must be public",
                    e);
        }
    }

    /**
     * Writes a value as configuration would: plain decimals, enum constants in lower case with dashes; an optional
     * number's NaN is empty.
     */
    private static String spell(Object value) {
        if (value instanceof Double d && d.isNaN()) {
            return "";
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return value.toString();
    }

    private static String where(RecordComponent component) {
        return component.getDeclaringRecord().getName() + "." + component.getName();
    }

    /** The record's name as written in source, for messages: {@code PidController.Options}, not its binary name. */
    private static String displayName(Class<?> type) {
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
    }
}
