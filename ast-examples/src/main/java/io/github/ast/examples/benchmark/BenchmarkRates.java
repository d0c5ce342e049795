package io.github.ast.examples.benchmark;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark folder's training milliseconds per batch, arm by arm: the median over its seeds of each run's training
 * seconds over its batches (evaluation excluded; the benchmark waits for every step, the profile only for the last
 * of an epoch), for setting a benchmark beside the profile.
 *
 * @param folder the benchmark folder
 * @param engine its engine
 * @param model its model
 * @param trainSamples its training split's size
 * @param msPerBatch arm label to median milliseconds per batch
 */
record BenchmarkRates(String folder, String engine, String model, long trainSamples, Map<String, Double> msPerBatch) {

    /**
     * Reads a folder's finished runs.
     *
     * @param folder a benchmark's {@code --out}
     * @return its rates
     * @throws IOException if {@code runs.jsonl} cannot be read
     * @throws IllegalArgumentException if it holds no finished run
     */
    static BenchmarkRates of(Path folder) throws IOException {
        RunLog log = RunLog.read(folder.resolve(RunLog.FILE), false);
        JsonObject identity = log.setup().getAsJsonObject("identity");
        Map<String, List<Double>> byArm = new LinkedHashMap<>();
        for (RunRecord run : log.runs()) {
            Evaluation last = run.last();
            if (last.batches() > 0) {
                byArm.computeIfAbsent(run.arm(), a -> new ArrayList<>()).add(1000 * last.seconds() / last.batches());
            }
        }
        if (identity == null || byArm.isEmpty()) {
            throw new IllegalArgumentException(folder.resolve(RunLog.FILE) + " holds no finished run to compare with");
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        byArm.forEach((arm, values) -> medians.put(arm, Stats.median(values.stream().mapToDouble(Double::doubleValue)
                .toArray())));
        return new BenchmarkRates(folder.toString(), identity.get("engine").getAsString(),
                identity.get("model").getAsString(), identity.get("trainSamples").getAsLong(), medians);
    }
}
