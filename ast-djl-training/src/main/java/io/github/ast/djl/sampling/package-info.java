/**
 * DJL {@code Sampler}s that choose which samples an epoch trains, usable with DJL's own training loop as well as
 * with AST's: RS2 ({@link io.github.ast.djl.sampling.Rs2Sampler}), InfoBatch
 * ({@link io.github.ast.djl.sampling.InfoBatchSampler}, also class-aware), class-balanced draws
 * ({@link io.github.ast.djl.sampling.ClassBalancedSampler}) and a weighted subset chosen elsewhere
 * ({@link io.github.ast.djl.sampling.WeightedSubsetSampler}), the last two with per-sample weights
 * ({@link io.github.ast.djl.sampling.SampleWeights}).
 */
package io.github.ast.djl.sampling;
