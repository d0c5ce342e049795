/**
 * The service-provider interface: how scorers, gates, controllers, selection policies and energy models announce a
 * name and are created from configuration. A plugin is a jar that depends on {@code ast-api} only and lists its
 * factories in {@code META-INF/services/io.github.ast.api.spi.<Kind>Factory}.
 *
 * <p>A plugin's settings are an options record, so that each key's type, default, description and checks are
 * written once and the accepted keys and the configuration reference follow from it ({@link OptionsBinder}):
 *
 * <pre>{@code
 * public record FocalOptions(@Option(description = "focusing exponent: 0 is the plain loss") double gamma) {
 *     public static final FocalOptions DEFAULTS = new FocalOptions(2.0);
 *
 *     public FocalOptions {
 *         OptionCheck.require(Double.isFinite(gamma) && gamma >= 0, "gamma", gamma, "finite and >= 0");
 *     }
 * }
 *
 * public Class<FocalOptions> optionsType() { return FocalOptions.class; }       // in the factory
 * public Scorer create(PluginContext context) { return new FocalScorer(context.options(FocalOptions.class)); }
 * }</pre>
 */
package io.github.ast.api.spi;
