/**
 * The {@code ast} command line: its subcommands (demo, benchmark, profile, report, configuration) and the generated
 * configuration reference.
 */
package io.github.ast.examples.cli;
