package io.github.ast.examples.demo;

import io.github.ast.core.AstConfig;
import io.github.ast.examples.DataOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's checked command line, what every engine's runs share: built once all options are known to be valid, so
 * that no run starts on options that would fail later.
 *
 * @param engines the engines to run on, one after the other
 * @param model the network
 * @param epochs epochs per run
 * @param batch the batch size
 * @param limit the first N training samples only, 0 for all
 * @param data where the images come from
 * @param config AST's configuration, without its engine
 * @param baseline whether to time plain full-data training next to AST
 * @param report the folder for each run's JSON report, or null
 * @param checkpoint the folder of the AST runs' checkpoints, or null
 * @param checkpointEvery also checkpoint every N batches within an epoch, 0 for epoch ends only
 */
record DemoSetup(List<String> engines, String model, int epochs, int batch, long limit, DataOptions data,
        AstConfig config, boolean baseline, Path report, Path checkpoint, int checkpointEvery) {}
