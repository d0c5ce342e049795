package io.github.ast.spark;

/**
 * The model failed on a scoring batch for a reason other than the input (the engine, memory): raised on an executor
 * with the model, its version, the shape and the batch named, and reported on the driver with that message once
 * Spark's retries are spent.
 */
final class ScoringFailure extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ScoringFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
