/**
 * The Spark example: a warm model scores Fashion-MNIST on a local Spark, the selection is written as Parquet and
 * read back, and one epoch trains on it through AST's {@code fit}.
 */
package io.github.ast.examples.spark;
