/**
 * Epoch-based studies of one configuration family, apart from the time-budget benchmark: why the published system's
 * accuracy swings from epoch to epoch, and which of its authors' code's choices fix it ({@code ast stability}).
 */
package io.github.ast.examples.study;
