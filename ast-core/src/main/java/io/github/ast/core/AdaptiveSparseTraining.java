package io.github.ast.core;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.github.ast.api.ConfigurationException;
import io.github.ast.djl.sampling.SampleWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The front door: turns a configuration into a ready {@link AdaptiveSparseTrainer}.
 *
 * <pre>{@code
 * AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(AstConfig.fromProperties(System.getProperties()));
 * RunReport report = ast.fit(trainer, 10, trainSet, testSet);
 *
 * // with objects that are not configuration, such as RHO-LOSS's reference model:
 * AdaptiveSparseTrainer rho = AdaptiveSparseTraining.builder(config)
 *         .service(ReferenceModel.class, referenceModel).build();
 * }</pre>
 */
public final class AdaptiveSparseTraining {

    private AdaptiveSparseTraining() {}

    /**
     * Creates a trainer whose plugins are the ones the configuration names.
     *
     * @param config the configuration
     * @return a new trainer, for one run
     * @throws ConfigurationException if a name or setting is unknown or invalid
     */
    public static AdaptiveSparseTrainer create(AstConfig config) {
        return builder(config).build();
    }

    /**
     * Creates a trainer with some bindings replaced in code.
     *
     * @param config the configuration
     * @param overrides Guice bindings that replace the configured ones
     * @return a new trainer, for one run
     */
    public static AdaptiveSparseTrainer create(AstConfig config, Module overrides) {
        return builder(config).overrides(overrides).build();
    }

    /**
     * Starts a trainer with services or overrides.
     *
     * @param config the configuration
     * @return the builder
     */
    public static Builder builder(AstConfig config) {
        return new Builder(config);
    }

    /** Collects what is supplied in code next to the configuration. */
    public static final class Builder {
        private final AstConfig config;
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private Module overrides = Modules.EMPTY_MODULE;

        private Builder(AstConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Supplies an object plugins may look up by type. A {@code TrainingClock} supplied here also times the
         * batches for policies that weigh what scoring costs, so that time the clock is paused does not count.
         *
         * @param type the type plugins look it up by
         * @param service the object
         * @param <T> the type
         * @return this builder
         */
        public <T> Builder service(Class<T> type, T service) {
            services.put(type, type.cast(Objects.requireNonNull(service, "service")));
            return this;
        }

        /**
         * Trains with the weights the training set's sampler gives its samples (InfoBatch's up-weighted survivors, a
         * selection made on a cluster): each step's loss is weighted by them, and the trained rows' losses are handed
         * back to the sampler. The training set must be sampled by it ({@code ArrayDataset.Builder.setSampling}).
         * With {@code ast.policy=all} this is training on the sampler's choice alone; with another policy, the
         * policy selects within the sampler's batches.
         *
         * @param sampler the training set's sampler
         * @return this builder
         */
        public Builder sampleWeights(SampleWeights sampler) {
            services.put(SampleWeights.class, Objects.requireNonNull(sampler, "sampler"));
            return this;
        }

        /**
         * Replaces configured bindings in code.
         *
         * @param module Guice bindings that replace the configured ones
         * @return this builder
         */
        public Builder overrides(Module module) {
            overrides = Objects.requireNonNull(module, "module");
            return this;
        }

        /**
         * Creates the trainer, validating every plugin name and setting.
         *
         * @return a new trainer, for one run
         * @throws ConfigurationException if a name or setting is unknown or invalid
         */
        public AdaptiveSparseTrainer build() {
            EnergyMeters.validate(config.plugins().meter(), config.contextFor("meter", Map.of()).settings());
            AstModule module = new AstModule(config, PluginRegistry.load(AstModule.class.getClassLoader()), services);
            try {
                return Guice.createInjector(Modules.override(module).with(overrides))
                        .getInstance(AdaptiveSparseTrainer.class);
            } catch (com.google.inject.ProvisionException | com.google.inject.CreationException e) {
                // Surface the configuration error itself rather than Guice's wrapper.
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    if (cause instanceof ConfigurationException configurationError) {
                        throw configurationError;
                    }
                }
                throw e;
            }
        }
    }
}
