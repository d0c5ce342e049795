/**
 * Scoring and selection on Apache Spark: the model broadcast per version, the same scorer plugins per partition, an
 * epoch-level policy across partitions, and the selection written as Parquet with its provenance for the trainer to
 * read back.
 */
package io.github.ast.spark;
