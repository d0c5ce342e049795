package io.github.ast.core;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.util.Modules;

/**
 * The front door: turns a configuration into a ready {@link AdaptiveSparseTrainer}.
 *
 * <pre>{@code
 * AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.fromProperties(System.getProperties()));
 * RunReport report = ast.fit(trainer, 10, trainSet, testSet);
 * }</pre>
 */
public final class AdaptiveSparseTraining {

    private AdaptiveSparseTraining() {}

    /**
     * Creates a trainer whose plugins are the ones the configuration names.
     *
     * @param config the configuration
     * @return a new trainer, for one run
     * @throws io.github.ast.api.ConfigurationException if a name or setting is unknown or invalid
     */
    public static AdaptiveSparseTrainer create(AstConfig config) {
        return create(config, Modules.EMPTY_MODULE);
    }

    /**
     * Creates a trainer with some bindings replaced in code.
     *
     * @param config the configuration
     * @param overrides Guice bindings that replace the configured ones
     * @return a new trainer, for one run
     */
    public static AdaptiveSparseTrainer create(AstConfig config, Module overrides) {
        try {
            return Guice.createInjector(Modules.override(new AstModule(config)).with(overrides))
                    .getInstance(AdaptiveSparseTrainer.class);
        } catch (com.google.inject.ProvisionException | com.google.inject.CreationException e) {
            // Surface the configuration error itself rather than Guice's wrapper.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof io.github.ast.api.ConfigurationException configurationError) {
                    throw configurationError;
                }
            }
            throw e;
        }
    }
}
