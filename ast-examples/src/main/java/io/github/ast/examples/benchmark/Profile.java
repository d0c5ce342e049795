package io.github.ast.examples.benchmark;

import java.util.List;
import java.util.Map;

/**
 * The whole profile, as written to {@code profile.json} and read back by {@code --render}: what the profile ran on
 * and, per engine, what every case measured.
 *
 * @param command the command line it was run with
 * @param machine the processor, cores, Java and allocator settings
 * @param model the network
 * @param samples the training images profiled
 * @param batch the batch size
 * @param passes the timed passes per case
 * @param engines each engine's cases
 * @param benchmarks benchmark folders set beside the profile ({@code --compare})
 */
record Profile(String command, Map<String, Object> machine, String model, long samples, int batch, int passes,
        List<EngineProfile> engines, List<BenchmarkRates> benchmarks) {

    /**
     * What one case measured on one engine.
     *
     * @param name the case
     * @param description what it runs
     * @param unprofiledMs milliseconds per batch of each timed pass, no phase waits
     * @param unprofiledMedianMs their median
     * @param profiledMeanMs milliseconds per batch of the profiled pass, phase waits included
     * @param phaseMeanMs each phase's milliseconds per batch in the profiled pass (its sum over the epoch, the pooled
     *     flush included, over the batches), and {@code OTHER}: the profiled figure minus the phases' sum (host
     *     bookkeeping: controller, energy, history, results). Means, not medians: a pooled loop steps on one batch
     *     in ten, which a median would hide.
     */
    record CaseResult(String name, String description, double[] unprofiledMs, double unprofiledMedianMs,
            double profiledMeanMs, Map<String, Double> phaseMeanMs) {}

    /**
     * One engine's cases.
     *
     * @param engine the engine's name
     * @param engineVersion its version
     * @param cases what each case measured
     */
    record EngineProfile(String engine, String engineVersion, List<CaseResult> cases) {

        /** {@return the case of that name} */
        CaseResult get(String name) {
            return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        }
    }
}
