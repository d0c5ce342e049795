package io.github.ast.api.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a component of an options record as one setting: its key is the component's name (or {@link #key()}), its
 * default the value in the record's {@code DEFAULTS}, and this description the line the configuration reference shows
 * for it.
 *
 * <p>Supported types are {@code double}, {@code int}, {@code long}, {@code boolean}, {@code String} and enums
 * (written in lower case with dashes: {@code TRUE_CLASS} is {@code true-class}). See {@link OptionsBinder} for the
 * whole contract.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Option {

    /** {@return one line saying what the setting changes, for the configuration reference} */
    String description();

    /**
     * Returns the setting's key when it cannot be the component's name: a Java keyword such as {@code switch} or
     * {@code final}. Checks in the compact constructor then name this key.
     *
     * @return the key without prefix; empty (the default) for the component's name
     */
    String key() default "";
}
