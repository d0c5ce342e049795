/**
 * The built-in selection policies ({@code ast.policy}): {@code gated} (the published system: scorer, gate and
 * controller), {@code selective-backprop}, {@code importance}, {@code rho-loss}, {@code auto}, {@code all} (every
 * row: plain training, or the sampler's choice alone) and {@code uniform} (the random control), each choosing a
 * batch's training rows and their weights from the run-wide values and services in its {@code PluginContext}.
 */
package io.github.ast.selection.policies;
