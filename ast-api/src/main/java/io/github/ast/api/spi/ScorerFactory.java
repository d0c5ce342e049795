package io.github.ast.api.spi;

import io.github.ast.api.Scorer;

/** Service interface for {@link Scorer} implementations; list implementations in {@code META-INF/services}. */
public interface ScorerFactory extends PluginFactory<Scorer> {}
