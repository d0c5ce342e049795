package io.github.ast.api.spi;

import io.github.ast.api.Gate;

/** Service interface for {@link Gate} implementations; list implementations in {@code META-INF/services}. */
public interface GateFactory extends PluginFactory<Gate> {}
