package io.github.ast.api.spi;

import io.github.ast.api.ConfigurationException;

/**
 * A setting's value that its options record refused, thrown by {@link OptionCheck#require}; it keeps the key apart
 * from the message so that {@link OptionsBinder} can name it with the plugin's prefix.
 */
public final class InvalidOptionException extends ConfigurationException {

    /** The key, with the prefix once the binder added it. */
    private final String key;
    /** The refused value, as text. */
    private final String value;
    /** What is allowed, completing "it must be ...". */
    private final String allowed;

    InvalidOptionException(String key, Object value, String allowed) {
        super(key + "=" + value + " is invalid; it must be " + allowed);
        this.key = key;
        this.value = String.valueOf(value);
        this.allowed = allowed;
    }

    /** {@return the key, without prefix unless the binder added it} */
    public String key() {
        return key;
    }

    InvalidOptionException withPrefix(String prefix) {
        return new InvalidOptionException(prefix + key, value, allowed);
    }
}
