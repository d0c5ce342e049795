package io.github.ast.examples.benchmark;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures every case of {@link ProfileCases} on one engine: each from a fresh model initialised with the same seed,
 * one untimed epoch first (JIT, the engines' caches, a full history), then the timed unprofiled passes, then one
 * pass with {@link PhaseTimes} on for the phases.
 */
final class EngineProfiler {

    private final DataOptions data;
    private final String model;
    private final long samples;
    private final int batch;
    private final int passes;
    private final boolean cheaperScoring;

    /**
     * Sets the profile up.
     *
     * @param data where the images come from
     * @param model the network
     * @param samples the first N training images are the profile's data
     * @param batch the batch size
     * @param passes the timed passes per case
     * @param cheaperScoring whether to profile the cheaper scoring passes too
     */
    EngineProfiler(DataOptions data, String model, long samples, int batch, int passes, boolean cheaperScoring) {
        this.data = data;
        this.model = model;
        this.samples = samples;
        this.batch = batch;
        this.passes = passes;
        this.cheaperScoring = cheaperScoring;
    }

    /**
     * Profiles every case on an engine, saying which one runs.
     *
     * @param engineName the engine
     * @return what each case measured
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the engine fails
     */
    Profile.EngineProfile profile(String engineName) throws IOException, TranslateException {
        Engine engine = Engine.getEngine(engineName);
        List<Profile.CaseResult> results = new ArrayList<>();
        try (NDManager manager = engine.newBaseManager()) {
            FashionMnist.Data loaded = data.load(manager, false);
            long n = Math.min(samples, loaded.train().size());
            FashionMnist.Split split = loaded.train().slice(0, n);
            for (ProfileCases.Case c : ProfileCases.cases(batch, cheaperScoring, model)) {
                System.out.printf(Locale.ROOT, "%s: %s%n", engineName, c.name());
                results.add(profileCase(engineName, c, split));
            }
        }
        return new Profile.EngineProfile(engineName, engine.getVersion(), results);
    }

    private Profile.CaseResult profileCase(String engineName, ProfileCases.Case c, FashionMnist.Split split)
            throws IOException, TranslateException {
        Engine.getEngine(engineName).setRandomSeed(42);
        try (Model network = Models.newModel("profile", model, engineName);
                Trainer trainer = Models.evaluatingTrainer(network, Models.optimizer())) {
            ArrayDataset dataset = new ArrayDataset.Builder().setData(split.images()).optLabels(split.labels())
                    .setSampling(batch, true).build();
            PhaseTimes times = PhaseTimes.recorder();
            ProfileCases.Loop loop = c.loop().apply(engineName, times);
            pass(trainer, dataset, loop, 1, times); // untimed: warm-up, and a full history
            double[] unprofiled = new double[passes];
            for (int p = 0; p < passes; p++) {
                unprofiled[p] = pass(trainer, dataset, loop, 2 + p, times);
            }
            times.start();
            double profiled = pass(trainer, dataset, loop, 2 + passes, times);
            times.stop();
            long batches = dataset.size() / batch + (dataset.size() % batch == 0 ? 0 : 1);
            Map<String, Double> phases = new LinkedHashMap<>();
            double phaseSum = 0;
            for (Map.Entry<Phase, double[]> phase : times.millisPerBatch().entrySet()) {
                // Per data batch: the epoch's flush (pooled loops) is one more entry, spread over the batches.
                double perBatch = Arrays.stream(phase.getValue()).sum() / batches;
                phases.put(phase.getKey().name(), perBatch);
                phaseSum += perBatch;
            }
            phases.put("OTHER", profiled - phaseSum);
            return new Profile.CaseResult(c.name(), c.description(), unprofiled, Stats.median(unprofiled), profiled,
                    phases);
        }
    }

    /**
     * One epoch over the dataset, its pooled rows' flush included; returns the milliseconds per batch, measured to
     * the moment the last update is computed. With the recorder on, every batch (and the flush) ends its record.
     */
    private static double pass(Trainer trainer, ArrayDataset dataset, ProfileCases.Loop loop, int epoch,
            PhaseTimes times) throws IOException, TranslateException {
        int batches = 0;
        loop.startEpoch(trainer, dataset, epoch);
        long start = System.nanoTime();
        Iterator<Batch> iterator = trainer.iterateDataset(dataset).iterator();
        times.mark();
        while (iterator.hasNext()) {
            try (Batch next = iterator.next()) {
                times.end(Phase.DATA, (NDArray) null);
                loop.train(trainer, next);
                batches++;
            }
            times.endBatch();
            times.mark();
        }
        loop.finishEpoch(trainer);
        PhaseTimes.awaitParameters(trainer);
        times.endBatch(); // the flush: its phases, and the final wait as unattributed time
        return (System.nanoTime() - start) / 1e6 / batches;
    }
}
