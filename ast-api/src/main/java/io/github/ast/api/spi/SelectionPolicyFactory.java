package io.github.ast.api.spi;

import io.github.ast.api.SelectionPolicy;

/**
 * Service interface for {@link SelectionPolicy} implementations; list implementations in {@code META-INF/services}.
 *
 * <p>The context's services hold the run's configured {@link io.github.ast.api.Scorer}, {@link io.github.ast.api.Gate}
 * and {@link io.github.ast.api.Controller}, so a policy can build on them; its own settings are {@code ast.policy.*}.
 */
public interface SelectionPolicyFactory extends PluginFactory<SelectionPolicy> {}
