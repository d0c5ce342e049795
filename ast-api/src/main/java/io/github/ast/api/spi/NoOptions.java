package io.github.ast.api.spi;

/** The options record of a plugin without settings, so that such a factory declares nothing. */
public record NoOptions() {

    /** The only instance. */
    public static final NoOptions DEFAULTS = new NoOptions();
}
