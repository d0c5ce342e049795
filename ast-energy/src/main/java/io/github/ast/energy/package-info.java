/**
 * The built-in energy models ({@code ast.energy}: {@code forward-backward}, {@code flops}, {@code unit}) that price a
 * batch's work against full-data training, and the FLOP counter behind {@code flops}.
 */
package io.github.ast.energy;
