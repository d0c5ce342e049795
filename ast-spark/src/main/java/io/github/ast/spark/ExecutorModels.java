package io.github.ast.spark;

import ai.djl.Model;

/**
 * The model an executor scores with: built from the broadcast once per version and per JVM, and shared by the
 * executor's task threads (each task makes its own predictor from it, as predictors are not thread-safe). A new
 * version replaces and closes the previous one, so an executor scores one version at a time: run one scoring job
 * after another, as an epoch loop does.
 */
final class ExecutorModels {

    private static Model current;
    private static String currentVersion;

    private ExecutorModels() {}

    /**
     * Returns the executor's model for a version, building it on first use.
     *
     * @param version the broadcast version
     * @return the model; never close it
     */
    static synchronized Model of(ScoringModel version) {
        if (!version.version().equals(currentVersion)) {
            Model built = version.load();
            if (current != null) {
                current.close();
            }
            current = built;
            currentVersion = version.version();
        }
        return current;
    }
}
