/**
 * RHO-LOSS's reference model: {@link io.github.ast.selection.reference.ReferenceTraining}, the recipe a user supplies
 * in code, trains held-out reference models and tabulates every sample's irreducible loss for the {@code rho-loss}
 * policy.
 */
package io.github.ast.selection.reference;
