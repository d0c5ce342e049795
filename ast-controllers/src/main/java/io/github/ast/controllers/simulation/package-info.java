/**
 * A closed-loop simulation harness for controllers: synthetic significance streams shaped like the reference
 * scorer's output, a gate over plain numbers, and the metrics that say whether a controller holds its target.
 *
 * <p>It exists because a controller that looks right on paper can settle at a clamp or run with its sign reversed;
 * every claim about the controllers in this module is a number {@link
 * io.github.ast.controllers.simulation.SimulationReport} prints. Pure Java and seeded, so every figure is
 * reproducible bit for bit, without DJL or an engine.
 */
package io.github.ast.controllers.simulation;
