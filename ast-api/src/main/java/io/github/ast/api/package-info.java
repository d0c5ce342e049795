/**
 * The interfaces of Adaptive Sparse Training: a {@link io.github.ast.api.Scorer} rates samples, a
 * {@link io.github.ast.api.Gate} picks those that train, a {@link io.github.ast.api.Controller} keeps the picked
 * fraction on target and an {@link io.github.ast.api.EnergyModel} prices the work against full-data training.
 */
package io.github.ast.api;
