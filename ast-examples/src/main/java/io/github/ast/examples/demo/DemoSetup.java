package io.github.ast.examples.demo;

import io.github.ast.core.AstConfig;
import io.github.ast.examples.DataOptions;
import java.util.List;

/**
 * The demo's checked command line, what every engine's runs share: built once all options are known to be valid, so
 * that no run starts on options that would fail later.
 *
 * @param engines the engines to run on, one after the other
 * @param model the network
 * @param budgetSeconds training seconds of each run
 * @param batch the batch size
 * @param limit the first N training samples only, 0 for all
 * @param data where the images come from
 * @param config AST's configuration, without its engine
 */
record DemoSetup(List<String> engines, String model, double budgetSeconds, int batch, long limit, DataOptions data,
        AstConfig config) {}
