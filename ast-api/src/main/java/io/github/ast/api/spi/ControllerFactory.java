package io.github.ast.api.spi;

import io.github.ast.api.Controller;

/** Service interface for {@link Controller} implementations; list implementations in {@code META-INF/services}. */
public interface ControllerFactory extends PluginFactory<Controller> {}
