package io.github.ast.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.github.ast.api.Controller;
import io.github.ast.api.EnergyModel;
import io.github.ast.api.Gate;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.api.RunRandom;
import io.github.ast.api.Scorer;
import io.github.ast.api.SelectionPolicy;
import io.github.ast.api.spi.PluginContext;
import io.github.ast.api.spi.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Guice wiring: binds the scorer, gate, controller, selection policy and energy model named in an {@link AstConfig}
 * to the implementations the {@link PluginRegistry} found through {@link java.util.ServiceLoader}. The scorer, gate
 * and controller are one instance each per trainer ({@link SelectionParts}), shared by the policy that builds on
 * them and the trainer that checkpoints the controller.
 *
 * <p>Users who need to replace a binding in code (a per-sample loss for regression, say) override this module with
 * {@code Modules.override(new AstModule(config)).with(...)}; everything else is configuration.
 */
public final class AstModule extends AbstractModule {

    private final AstConfig config;
    private final PluginRegistry registry;
    private final Map<Class<?>, Object> services;

    /**
     * Creates the module with the plugins visible to this class's loader and no services.
     *
     * @param config the run's configuration
     */
    public AstModule(AstConfig config) {
        this(config, PluginRegistry.load(AstModule.class.getClassLoader()), Map.of());
    }

    /**
     * Creates the module with a given registry and services.
     *
     * @param config the run's configuration
     * @param registry where plugins are looked up
     * @param services objects supplied in code that plugins may look up by type (a reference model, say)
     */
    public AstModule(AstConfig config, PluginRegistry registry, Map<Class<?>, Object> services) {
        this.config = config;
        this.registry = registry;
        Map<Class<?>, Object> withRandom = new LinkedHashMap<>(services);
        withRandom.putIfAbsent(RunRandom.class, new RunRandom(config.random().seed()));
        this.services = Map.copyOf(withRandom);
    }

    @Override
    protected void configure() {
        bind(AstConfig.class).toInstance(config);
        bind(RunRandom.class).toInstance((RunRandom) services.get(RunRandom.class));
        bind(PluginRegistry.class).toInstance(registry);
        bind(PerSampleLoss.class).toInstance(PerSampleLoss.softmaxCrossEntropy());
        bind(LoopInputs.class).toInstance(LoopInputs.from(services));
    }

    @Provides
    @Singleton
    Scorer scorer() {
        return registry.create("scorer", Scorer.class, config.plugins().scorer(),
                config.contextFor("scorer", services));
    }

    @Provides
    @Singleton
    Gate gate() {
        return registry.create("gate", Gate.class, config.plugins().gate(), config.contextFor("gate", services));
    }

    @Provides
    @Singleton
    Controller controller() {
        return registry.create("controller", Controller.class, config.plugins().controller(),
                config.contextFor("controller", services));
    }

    @Provides
    @Singleton
    SelectionParts parts(Scorer scorer, Gate gate, Controller controller) {
        return new SelectionParts(scorer, gate, controller);
    }

    @Provides
    @Singleton
    SelectionPolicy policy(SelectionParts parts) {
        Map<Class<?>, Object> withParts = new LinkedHashMap<>(services);
        withParts.put(Scorer.class, parts.scorer());
        withParts.put(Gate.class, parts.gate());
        withParts.put(Controller.class, parts.controller());
        return registry.create("policy", SelectionPolicy.class, config.plugins().policy(),
                config.contextFor("policy", withParts));
    }

    @Provides
    EnergyAccount energyAccount() {
        Map<String, EnergyModel> models = new LinkedHashMap<>();
        String primary = config.plugins().energyModel();
        models.put(primary, registry.create("energy", EnergyModel.class, primary,
                config.contextFor("energy", services)));
        PluginContext shared = config.contextFor("energy", services);
        for (String name : config.plugins().comparedEnergyModels()) {
            if (!models.containsKey(name)) {
                // A comparison model receives the shared ast.energy.* keys it accepts and defaults for the rest.
                Set<String> accepted = registry.settingKeys("energy", name);
                Map<String, String> own = new TreeMap<>(shared.settings().asMap());
                own.keySet().retainAll(accepted);
                models.put(name, registry.create("energy", EnergyModel.class, name,
                        shared.withSettings(Settings.of(shared.settings().prefix(), own))));
            }
        }
        return new EnergyAccount(models);
    }
}
