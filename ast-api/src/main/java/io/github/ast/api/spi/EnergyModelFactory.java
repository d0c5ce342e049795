package io.github.ast.api.spi;

import io.github.ast.api.EnergyModel;

/** Service interface for {@link EnergyModel} implementations; list implementations in {@code META-INF/services}. */
public interface EnergyModelFactory extends PluginFactory<EnergyModel> {}
