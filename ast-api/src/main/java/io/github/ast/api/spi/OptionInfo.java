package io.github.ast.api.spi;

import java.util.List;

/**
 * One setting of an options record as the configuration reference shows it.
 *
 * @param key the key, without prefix
 * @param type the component's type: {@code double.class}, {@code int.class}, {@code long.class},
 *     {@code boolean.class}, {@code String.class} or an enum
 * @param defaultValue the default, written as it would be in configuration (so binding it gives the default back)
 * @param choices the values an enum setting accepts, as written; empty for other types
 * @param description what the setting changes, from its {@link Option}
 */
public record OptionInfo(String key, Class<?> type, String defaultValue, List<String> choices, String description) {

    /**
     * Copies the choices.
     *
     * @param key the key, without prefix
     * @param type the component's type
     * @param defaultValue the default as written in configuration
     * @param choices the values an enum setting accepts, empty for other types
     * @param description what the setting changes
     */
    public OptionInfo {
        choices = List.copyOf(choices);
    }
}
