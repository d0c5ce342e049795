package io.github.ast.examples.benchmark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.ast.examples.Cli;
import io.github.ast.examples.DataOptions;
import io.github.ast.examples.Machine;
import io.github.ast.examples.Models;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a batch's time goes, per engine: the unprofiled milliseconds per batch of a plain DJL loop, of the scoring
 * pass alone, of a small step, and of AST's loops (100%, 10% per batch, 10% pooled, 10% from free scores), medians
 * of several passes over the same batches; then each loop once more with {@link io.github.ast.core.PhaseTimes} on,
 * for the mean of every phase per batch. Every case starts from a fresh model initialised with the same seed and
 * trains one untimed epoch first (JIT, the engines' caches, and a full history for the free-score case). Writes
 * {@code profile.json} and {@code profile.md}; the targets of issue 16 are derived from the unprofiled figures.
 *
 * <p>This class reads and checks the command line and writes the results; the cases are {@link ProfileCases}, the
 * measuring is {@link EngineProfiler}'s and the Markdown {@link ProfileReport}'s.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Per-phase profile of AST's loop against a plain DJL loop, on each engine")
public final class ProfileCommand implements Callable<Integer> {

    @Option(names = "--engine", defaultValue = "all",
            description = "PyTorch, MXNet or all, profiled one after the other (default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--model", defaultValue = "cnn", description = Models.NAMES + " (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--samples", defaultValue = "12800",
            description = "the first N training images are the profile's data (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--passes", defaultValue = "3",
            description = "timed passes over the data per case; the median is reported (default ${DEFAULT-VALUE})")
    int passes;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--compare", description = "a benchmark folder of the same model (repeatable): its full, ast-100 "
            + "and seed arms' milliseconds per batch are set beside the profile's plain, ast-100 and ast-10")
    List<Path> compare = new ArrayList<>();

    @Option(names = "--cheaper-scoring", description = "also profile the cheaper scoring passes: the published "
            + "system scoring every 2nd and 4th batch (ast.scoreEvery) and, for a model that accepts smaller images "
            + "(cnn-gap), the scoring pass and the published system on images pooled by 2 (ast.scoreDownsample)")
    boolean cheaperScoring;

    @Option(names = "--render", description = "only rewrite profile.md (and cheaper-scoring.md) from --out's "
            + "profile.json")
    boolean render;

    @Option(names = "--out", defaultValue = "docs/performance", description = "output directory (default "
            + "${DEFAULT-VALUE})")
    Path out;

    private final String[] args;

    /**
     * Creates the command.
     *
     * @param args the arguments it is run with, recorded with its results
     */
    public ProfileCommand(String[] args) {
        this.args = args.clone();
    }

    /**
     * Runs the profile.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(Cli.execute(new CommandLine(new ProfileCommand(args)), args));
    }

    /** The engines the profile knows, in the order {@code --engine all} profiles them. */
    private static final List<String> ENGINES = List.of("PyTorch", "MXNet");

    @Override
    public Integer call() throws Exception {
        if (render) {
            Profile recorded = new Gson().fromJson(Files.readString(out.resolve("profile.json")), Profile.class);
            ProfileReport.write(recorded, out);
            System.out.println("Written to " + out.resolve("profile.md").toAbsolutePath());
            return 0;
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--passes " + passes + " must be >= 1");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch " + batch + " must be >= 1");
        }
        if (samples < batch) {
            throw new IllegalArgumentException("--samples " + samples + " must be at least --batch " + batch);
        }
        Map<String, Object> machine = Machine.describe(Machine.PROCESSOR, false, "MALLOC_");
        List<BenchmarkRates> benchmarks = new ArrayList<>();
        for (Path folder : compare) {
            BenchmarkRates rates = BenchmarkRates.of(folder);
            if (!rates.model().equals(model)) {
                throw new IllegalArgumentException("--compare " + folder + " is a benchmark of the " + rates.model()
                        + "; the profile runs the " + model);
            }
            benchmarks.add(rates);
        }
        List<String> names = "all".equalsIgnoreCase(engine) ? ENGINES
                : ENGINES.stream().filter(e -> e.equalsIgnoreCase(engine)).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--engine " + engine + " is unknown; use PyTorch, MXNet or all");
        }
        EngineProfiler profiler = new EngineProfiler(dataOptions, model, samples, batch, passes, cheaperScoring);
        List<Profile.EngineProfile> profiles = new ArrayList<>();
        for (String name : names) {
            profiles.add(profiler.profile(name));
        }
        Profile result = new Profile("ast profile " + String.join(" ", args), machine, model, samples, batch, passes,
                profiles, benchmarks);
        Files.createDirectories(out);
        Files.writeString(out.resolve("profile.json"), new GsonBuilder().setPrettyPrinting()
                .serializeSpecialFloatingPointValues().create().toJson(result), StandardCharsets.UTF_8);
        ProfileReport.write(result, out);
        System.out.println(ProfileReport.markdown(result));
        return 0;
    }
}
