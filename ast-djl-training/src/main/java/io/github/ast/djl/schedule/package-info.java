/**
 * A learning rate for training-time budgets: {@link io.github.ast.djl.schedule.BudgetTracker}, a DJL {@code Tracker}
 * that warms up and decays with the training time a {@link io.github.ast.djl.schedule.TrainingClock} measures, so
 * that runs of different speed end their schedule when the budget ends.
 */
package io.github.ast.djl.schedule;
