package io.github.ast.api;

/**
 * Invalid configuration: a bad value, an unknown key or an unknown plugin name. The message names the offending
 * value and what is allowed, so a user can fix the configuration without reading code.
 */
public class ConfigurationException extends IllegalArgumentException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what is allowed
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates the exception for a value an engine or a model refused.
     *
     * @param message what is wrong and what is allowed
     * @param cause what the engine or model said
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
