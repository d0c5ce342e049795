package io.github.ast.examples.demo;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.Checkpointing;
import io.github.ast.core.ConsoleOutput;
import io.github.ast.core.RunReport;
import io.github.ast.djl.optim.ResumableAdam;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's AST run on one engine: {@code fit} on a fresh model, checkpointed and resumed when asked, its
 * configuration, versions and figures optionally written as JSON for {@code ast report}.
 */
final class AstRun {

    private AstRun() {}

    /**
     * Trains with adaptive sparse training, printing each epoch.
     *
     * @param setup the demo's setup
     * @param config the configuration, its engine set
     * @param engineName the engine
     * @param train the training data
     * @param test the test data
     * @return the run's report
     * @throws IOException if the data, a checkpoint or the report cannot be read or written
     * @throws TranslateException if the engine fails
     */
    static RunReport train(DemoSetup setup, AstConfig config, String engineName, ArrayDataset train,
            ArrayDataset test) throws IOException, TranslateException {
        AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
        RunReport report;
        Engine.getEngine(engineName).setRandomSeed((int) config.random().seed());
        ResumableAdam optimizer = Models.optimizer();
        Checkpointing checkpointing = checkpointing(setup, engineName, optimizer);
        try (Model model = Models.newModel("fashion-" + setup.model(), setup.model(), engineName)) {
            if (checkpointing != null && checkpointing.restoreParameters(model, Models.INPUT)) {
                System.out.println("   resuming from the latest checkpoint in " + checkpointing.directory());
            }
            // DJL's own listeners keep working; AST's console output draws the progress bar.
            try (Trainer trainer = Models.evaluatingTrainer(model, optimizer)) {
                report = ast.fit(trainer, setup.epochs(), train, test, ConsoleOutput.standard("   AST  "),
                        checkpointing);
            }
        }
        if (setup.report() != null) {
            writeReport(setup.report(), engineName, setup.model(), report);
        }
        return report;
    }

    /** The AST run's checkpoints, one directory per engine and model, or null without {@code --checkpoint}. */
    private static Checkpointing checkpointing(DemoSetup setup, String engineName, ResumableAdam optimizer) {
        if (setup.checkpoint() == null) {
            return null;
        }
        Path directory = setup.checkpoint().resolve(engineName + "-" + setup.model());
        return (setup.checkpointEvery() > 0 ? Checkpointing.everyBatches(directory, setup.checkpointEvery())
                : Checkpointing.everyEpoch(directory)).withOptimizer(optimizer);
    }

    private static void writeReport(Path directory, String engine, String model, RunReport report)
            throws IOException {
        Files.createDirectories(directory);
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", report.config().toProperties());
        json.put("provenance", report.provenance());
        json.put("energyUnit", report.energyUnit());
        json.put("epochs", report.epochs());
        Path file = directory.resolve("ast-" + engine.toLowerCase(Locale.ROOT) + "-" + model + ".json");
        Files.writeString(file, gson.toJson(json));
        System.out.println("   report written to " + file);
    }
}
