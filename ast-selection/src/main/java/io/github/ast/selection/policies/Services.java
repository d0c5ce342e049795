package io.github.ast.selection.policies;

import io.github.ast.api.spi.PluginContext;

/** Looks up the services the trainer hands every policy factory (scorer, gate, controller). */
final class Services {

    private Services() {}

    static <T> T require(PluginContext context, Class<T> type, String policy) {
        return context.service(type).orElseThrow(() -> new IllegalStateException("policy '" + policy + "' needs a "
                + type.getSimpleName() + " in its context's services; AstModule supplies one"));
    }
}
