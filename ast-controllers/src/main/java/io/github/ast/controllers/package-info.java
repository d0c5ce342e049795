/**
 * The built-in controllers ({@code ast.controller}): {@code pi} (the published system's PI controller with EMA
 * smoothing and anti-windup), {@code pid} and {@code adaptive-pi}; each turns the observed activation rate into the
 * gate's threshold so that the trained fraction holds its target.
 */
package io.github.ast.controllers;
