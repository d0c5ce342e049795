/**
 * Optimisers whose state can be saved and restored, so that a resumed run continues exactly:
 * {@link io.github.ast.djl.optim.ResumableAdam} is DJL's Adam with its moments exported through
 * {@link io.github.ast.djl.optim.ResumableOptimizer}.
 */
package io.github.ast.djl.optim;
