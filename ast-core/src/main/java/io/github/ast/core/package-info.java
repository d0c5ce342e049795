/**
 * The training loop: {@link io.github.ast.core.AdaptiveSparseTrainer#fit} over named stages (the sampler's
 * weights, scores, the selection policy, assembled steps, the guarded weighted step, accounting, evaluation), with
 * the configuration, the Guice wiring of plugins found by ServiceLoader, checkpoints, the score history and the run
 * report. Plugins live in their own modules; this package names none of them.
 */
package io.github.ast.core;
