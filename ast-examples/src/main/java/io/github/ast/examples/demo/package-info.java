/**
 * The demo a newcomer runs first: the published system against full data on Fashion-MNIST, with checkpoints that
 * resume.
 */
package io.github.ast.examples.demo;
