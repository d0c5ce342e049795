/**
 * The built-in scorers ({@code ast.scorer}): per-sample loss, the published loss-intensity mix, margins, entropy,
 * gradient-norm proxies, RHO-LOSS's reducible loss, random numbers for ablations, and composites of them.
 */
package io.github.ast.scorers;
