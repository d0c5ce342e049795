/**
 * The built-in gates ({@code ast.gate}): {@code threshold}, {@code probabilistic}, {@code top-k} and
 * {@code random}, each turning a batch's significance scores into the mask of rows that train.
 */
package io.github.ast.selection.gates;
