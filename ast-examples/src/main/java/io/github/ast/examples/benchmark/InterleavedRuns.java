package io.github.ast.examples.benchmark;

import ai.djl.training.util.ProgressBar;
import ai.djl.translate.TranslateException;
import io.github.ast.examples.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's timed runs: every arm for every seed, the arms interleaved and rotated seed by seed so that slow
 * drifts of the machine hit every arm alike, each finished run appended to the log at once, and the runs the log
 * already holds skipped, so that a stopped benchmark resumes where it stopped.
 */
final class InterleavedRuns {

    private final RunLog log;
    private final List<Arm> arms;
    private final int seeds;
    private final long firstSeed;
    private final Path pauseFile;

    /**
     * Plans the runs.
     *
     * @param log the run log, holding the runs to skip and receiving the new ones
     * @param arms the arms, in the order of the first seed
     * @param seeds how many seeds
     * @param firstSeed the first seed; the others follow it
     * @param pauseFile before each run, wait while this file exists; null for never
     */
    InterleavedRuns(RunLog log, List<Arm> arms, int seeds, long firstSeed, Path pauseFile) {
        this.log = log;
        this.arms = List.copyOf(arms);
        this.seeds = seeds;
        this.firstSeed = firstSeed;
        this.pauseFile = pauseFile;
    }

    /**
     * Returns whether any run is left, refusing before any of them trains a seed begun on another processor model.
     *
     * @return whether a run is missing from the log
     * @throws IllegalArgumentException if a seed with a run left was begun on another processor model
     */
    boolean pending() {
        boolean pending = false;
        for (int s = 0; s < seeds; s++) {
            boolean seedPending = false;
            for (Arm arm : arms) {
                seedPending |= !log.has(arm.label(), firstSeed + s);
            }
            if (seedPending) {
                log.requireOneProcessorModel(firstSeed + s, Machine.PROCESSOR_MODEL);
            }
            pending |= seedPending;
        }
        return pending;
    }

    /**
     * Trains every arm once, untimed and unrecorded, with the first seed, so that no arm pays the JVM's and the
     * engine's warm-up.
     *
     * @param warm a runner with the warm-up's short budget
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the engine fails
     */
    void warmUp(ArmRunner warm) throws IOException, TranslateException {
        for (Arm arm : arms) {
            warm.run(arm, firstSeed);
        }
    }

    /**
     * Runs what the log does not hold yet, appending each run as it finishes.
     *
     * @param runner the runner of the timed runs
     * @throws IOException if the data cannot be read or the log written
     * @throws TranslateException if the engine fails
     * @throws InterruptedException if interrupted while paused
     */
    void run(ArmRunner runner) throws IOException, TranslateException, InterruptedException {
        ProgressBar progress = new ProgressBar("Benchmark runs", (long) seeds * arms.size());
        for (int s = 0; s < seeds; s++) {
            long seed = firstSeed + s;
            // Interleaved, and rotated seed by seed, so that slow drifts of the machine hit every arm alike.
            for (int i = 0; i < arms.size(); i++) {
                Arm arm = arms.get((i + s) % arms.size());
                progress.increment(1);
                if (log.has(arm.label(), seed)) {
                    continue;
                }
                waitWhilePaused();
                RunRecord run = runner.run(arm, seed);
                log.append(run);
                System.out.printf(Locale.ROOT, "%n  %-16s seed %d: %d epochs, %.1f s trained, test acc %.2f%%, "
                        + "%d back-propagated, wall %.0f s%n", arm.label(), seed, run.epochs(),
                        run.last().seconds(), 100 * run.last().testAccuracy(), run.last().backpropagated(),
                        run.wallSeconds());
            }
        }
    }

    /** Holds the next run back while the pause file exists, saying so once. */
    private void waitWhilePaused() throws InterruptedException {
        if (pauseFile == null || !Files.exists(pauseFile)) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nPaused: %s exists; the next run starts when it is removed%n", pauseFile);
        while (Files.exists(pauseFile)) {
            Thread.sleep(1000);
        }
    }
}
