/**
 * The benchmark and the profile: arms (how a run chooses what to train), the runner that trains every arm but the
 * full-data control through AST's {@code fit} under a training-time budget, the resumable run log, the paired
 * statistics, the summaries and plots.
 */
package io.github.ast.examples.benchmark;
