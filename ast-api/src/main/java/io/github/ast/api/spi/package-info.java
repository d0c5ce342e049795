/**
 * The service-provider interface: how scorers, gates, controllers, selection policies and energy models announce a
 * name and are created from configuration. A plugin is a jar that depends on {@code ast-api} only and lists its
 * factories in {@code META-INF/services/io.github.ast.api.spi.<Kind>Factory}.
 */
package io.github.ast.api.spi;
