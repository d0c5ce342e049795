package io.github.ast.api.spi;

/**
 * The check options records run in their compact constructors.
 *
 * <p>A record does not know the prefix its keys have in the configuration ({@code ast.controller.}, say), so it
 * names the bare key and {@link OptionsBinder#bind} adds the prefix: a user then reads
 * {@code ast.controller.kp=-1.0 is invalid; it must be finite and >= 0}, and code that constructs the record itself
 * reads the same without the prefix.
 */
public final class OptionCheck {

    private OptionCheck() {}

    /**
     * Throws unless a value is allowed.
     *
     * @param valid whether it is
     * @param key the setting's key without prefix: the component's name, or its {@link Option#key()}
     * @param value the value, for the message
     * @param allowed what is allowed, completing "it must be ...", for example "finite and >= 0"
     * @throws InvalidOptionException if {@code valid} is false
     */
    public static void require(boolean valid, String key, Object value, String allowed) {
        if (!valid) {
            throw new InvalidOptionException(key, value, allowed);
        }
    }
}
