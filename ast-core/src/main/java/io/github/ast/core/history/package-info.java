/**
 * Storage of every sample's last outputs and loss, on the engine or on the host, for selection without a fresh
 * scoring pass; the loop reaches it through {@code SampleHistory}.
 */
package io.github.ast.core.history;
