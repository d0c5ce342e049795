package io.github.ast.api;

/**
 * How far a run has come, as a fraction of its budget: supplied in code by loops that stop at a time budget rather
 * than after a number of epochs (the benchmark's), for policies that change course near the end.
 */
@FunctionalInterface
public interface TrainingProgress {

    /**
     * Returns the fraction of the run done.
     *
     * @return a value in [0, 1]
     */
    double fraction();
}
