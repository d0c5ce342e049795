/**
 * The kinds of training data where selection is expected to pay, made from a clean, balanced set: a long tail of
 * classes, near-duplicated images, label noise (symmetric, or between classes that look alike), and the
 * practitioner's remedy for duplicates, near-duplicate removal.
 */
package io.github.ast.examples.datakinds;
