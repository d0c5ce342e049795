package io.github.ast.core;

import io.github.ast.api.Controller;
import io.github.ast.api.Gate;
import io.github.ast.api.Scorer;

/**
 * The scorer, gate and controller of one trainer, provided once: the selection policy builds on them and the trainer
 * checkpoints and retargets the same controller, whatever scope an override gives their bindings.
 *
 * @param scorer the scorer
 * @param gate the gate
 * @param controller the controller
 */
public record SelectionParts(Scorer scorer, Gate gate, Controller controller) {}
