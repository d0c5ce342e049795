/**
 * What the examples share: Fashion-MNIST from Debian's package or the embedded slice, the IDX reader, the example
 * networks, label noise, the HTML report and the data options of the command line.
 */
package io.github.ast.examples;
