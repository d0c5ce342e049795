package io.github.ast.examples.benchmark;

import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.examples.benchmark.Profile.CaseResult;
import io.github.ast.examples.benchmark.Profile.EngineProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The profile as Markdown: per engine, a table of every case's phases and totals, then the speed targets derived
 * from the unprofiled totals (each a ratio of two figures measured in the same process, minutes apart).
 */
final class ProfileReport {

    private ProfileReport() {}

    /**
     * Writes {@code profile.md} and, with cheaper scoring passes, {@code cheaper-scoring.md} beside it (removing a
     * stale one without).
     *
     * @param profile the profile
     * @param out the folder
     * @throws IOException if a file cannot be written
     */
    static void write(Profile profile, Path out) throws IOException {
        Files.writeString(out.resolve("profile.md"), markdown(profile), StandardCharsets.UTF_8);
        String cheaper = cheaperScoringMarkdown(profile);
        if (cheaper != null) {
            Files.writeString(out.resolve("cheaper-scoring.md"), cheaper, StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(out.resolve("cheaper-scoring.md"));
        }
    }

    static String markdown(Profile profile) {
        StringBuilder md = new StringBuilder("# Where a batch's time goes\n\n");
        setup(md, profile);
        md.append("*Unprofiled* is the median of ").append(profile.passes()).append(" timed epochs (after an untimed "
                + "one), each timed to the moment its last update is computed, per batch. The phases come from one "
                + "more epoch in which every phase waits for the engine at its end: each phase's time over the "
                + "epoch (a pooled loop's final flush included) per batch, so pooled steps on one batch in ten "
                + "count in full. Profiling removes the overlap of asynchronous engines (MXNet), so the *profiled* "
                + "figure exceeds the unprofiled one there: compare phases with phases and totals with totals. "
                + "*Other* is the profiled figure minus the phases' sum: host bookkeeping (controller, energy, "
                + "history, results, the loop).\n\n");
        for (EngineProfile engine : profile.engines()) {
            md.append("### ").append(engine.engine()).append(' ').append(engine.engineVersion()).append("\n\n");
            phaseTable(md, engine);
            targets(md, engine, profile);
            cheaperScoring(md, engine);
        }
        if (!profile.benchmarks().isEmpty()) {
            agreement(md, profile);
        }
        return md.toString();
    }

    /**
     * The cheaper scoring passes alone, engine by engine, for README; null when the profile has none.
     *
     * @param profile a profile run with {@code --cheaper-scoring}
     * @return the Markdown, or null
     */
    static String cheaperScoringMarkdown(Profile profile) {
        StringBuilder md = new StringBuilder("# Cheaper scoring passes\n\n");
        setup(md, profile);
        int before = md.length();
        for (EngineProfile engine : profile.engines()) {
            StringBuilder section = new StringBuilder();
            cheaperScoring(section, engine);
            if (section.length() > 0) {
                md.append("**").append(engine.engine()).append(' ').append(engine.engineVersion()).append("**. ")
                        .append(section);
            }
        }
        return md.length() == before ? null : md.toString();
    }

    private static void setup(StringBuilder md, Profile profile) {
        md.append(String.format(Locale.ROOT, "%s, batch %d, Adam, the first %,d Fashion-MNIST training images; "
                + "milliseconds per batch. Machine: %s, %s cores. Command: `%s`.%n%n", profile.model().toUpperCase(
                        Locale.ROOT), profile.batch(), profile.samples(), profile.machine().get("cpu"),
                cores(profile.machine().get("cores")), profile.command()));
    }

    private static void phaseTable(StringBuilder md, EngineProfile engine) {
        List<CaseResult> cases = engine.cases();
        md.append("| ms per batch |");
        cases.forEach(c -> md.append(" `").append(c.name()).append("` |"));
        md.append("\n|---|");
        cases.forEach(c -> md.append("---:|"));
        md.append('\n');
        for (Phase phase : Phase.values()) {
            md.append("| ").append(phase.description()).append(" |");
            cases.forEach(c -> md.append(' ').append(ms(c.phaseMeanMs().get(phase.name()))).append(" |"));
            md.append('\n');
        }
        md.append("| other |");
        cases.forEach(c -> md.append(' ').append(ms(c.phaseMeanMs().get("OTHER"))).append(" |"));
        md.append("\n| **profiled** |");
        cases.forEach(c -> md.append(' ').append(ms(c.profiledMeanMs())).append(" |"));
        md.append("\n| **unprofiled** (range of passes) |");
        cases.forEach(c -> md.append(String.format(Locale.ROOT, " **%.1f** (%.1f–%.1f) |", c.unprofiledMedianMs(),
                min(c.unprofiledMs()), max(c.unprofiledMs()))));
        md.append("\n\n");
        cases.forEach(c -> md.append("- `").append(c.name()).append("`: ").append(c.description()).append('\n'));
        md.append('\n');
    }

    private static void targets(StringBuilder md, EngineProfile engine, Profile profile) {
        double plain = engine.get("plain").unprofiledMedianMs();
        double scoring = engine.get("scoring").unprofiledMedianMs();
        double f = scoring / plain;
        double bound = 1 / (f + ProfileCases.RATE);
        double overhead = engine.get("scored-100").unprofiledMedianMs() / (plain + scoring) - 1;
        double direct = engine.get("ast-100").unprofiledMedianMs() / plain - 1;
        double perBatch = plain / engine.get("ast-10").unprofiledMedianMs();
        double pooled = plain / engine.get("ast-10-pooled").unprofiledMedianMs();
        double free = plain / engine.get("free-10-pooled").unprofiledMedianMs();
        double random = plain / engine.get("random-10").unprofiledMedianMs();
        md.append(String.format(Locale.ROOT, "Scoring costs f = %.2f of a plain step; at 10%% the bound of a loop "
                + "that scores every batch is 1/(f + 0.1) = %.2f× a plain epoch, of one that does not 10×.%n%n", f,
                bound));
        md.append("| target | measured | goal | met |\n|---|---:|---:|---|\n");
        row(md, "AST's scoring loop at 100% (`scored-100`): overhead over plain step + scoring",
                String.format(Locale.ROOT, "%+.1f%%", 100 * overhead), "≤ +3%", overhead <= 0.03);
        row(md, "AST at a 100% target (`ast-100`, unscored): overhead over a plain step", String.format(Locale.ROOT,
                "%+.1f%%", 100 * direct), "≤ +3%", direct <= 0.03);
        row(md, "AST at 10%, per-batch steps: share of 1/(f + r)", String.format(Locale.ROOT, "%.0f%% (%.2f×)",
                100 * perBatch / bound, perBatch), "≥ 90%", perBatch / bound >= 0.90);
        row(md, "AST at 10%, pooled steps: share of 1/(f + r)", String.format(Locale.ROOT, "%.0f%% (%.2f×)",
                100 * pooled / bound, pooled), "≥ 95%", pooled / bound >= 0.95);
        row(md, "free scores at 10%, pooled: speed-up per epoch", String.format(Locale.ROOT, "%.2f×", free), "≥ 7×",
                free >= 7);
        md.append(String.format(Locale.ROOT, "%nFor comparison, `random-10` (no scoring, %d-row steps) runs an "
                + "epoch %.2f× as fast as plain.%n%n", ProfileCases.keptRows(profile.batch()), random));
    }

    /**
     * The cheaper scoring passes, when profiled: each one's scoring cost f as a share of a plain step (f / k for a
     * pass on every k-th batch, the pooled pass's own time for a downsampled one), the published system's measured
     * speed-up per epoch with it, and that speed-up's bound 1/(f + r).
     */
    private static void cheaperScoring(StringBuilder md, EngineProfile engine) {
        List<CaseResult> options = engine.cases().stream().filter(c -> c.name().startsWith("ast-10-every")
                || c.name().equals("ast-10-down2")).toList();
        if (options.isEmpty()) {
            return;
        }
        double plain = engine.get("plain").unprofiledMedianMs();
        double f = engine.get("scoring").unprofiledMedianMs() / plain;
        md.append("Cheaper scoring passes (`--cheaper-scoring`): the published system at 10%, per-batch steps.\n\n"
                + "| scoring pass | f | speed-up per epoch over plain | bound 1/(f + r) | share of the bound |\n"
                + "|---|---:|---:|---:|---:|\n");
        scoringRow(md, "every batch, full resolution, `ast-10`", f, plain / engine.get("ast-10").unprofiledMedianMs());
        for (CaseResult option : options) {
            boolean down = option.name().equals("ast-10-down2");
            String every = down ? "" : option.name().substring("ast-10-every".length());
            double cost = down ? engine.get("scoring-down2").unprofiledMedianMs() / plain
                    : f / Integer.parseInt(every);
            scoringRow(md, (down ? "every batch, images pooled by 2 (`ast.scoreDownsample=2`)"
                    : "one batch in " + every + " (`ast.scoreEvery=" + every + "`)") + ", `" + option.name() + "`",
                    cost, plain / option.unprofiledMedianMs());
        }
        md.append('\n');
    }

    private static void scoringRow(StringBuilder md, String pass, double f, double speedUp) {
        double bound = 1 / (f + ProfileCases.RATE);
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f× | %.2f× | %.0f%% |%n", pass, f, speedUp, bound,
                100 * speedUp / bound));
    }

    /** The benchmark's arms beside the profile's cases, each as a ratio to its own plain loop. */
    private static void agreement(StringBuilder md, Profile profile) {
        md.append("### The profile against the benchmark\n\n")
                .append("Milliseconds per batch and the ratio to plain training, from the profile (`plain`, `ast-100`, "
                        + "`ast-10`) and from benchmark folders (`full`, `ast-100`, `seed`). The benchmark waits for "
                        + "every step and trains on its whole training split, the profile on the first ")
                .append(String.format(Locale.ROOT, "%,d images", profile.samples()))
                .append(", so compare the ratios.\n\n| engine | source | plain / full | ast-100 | ast-100 ratio | "
                        + "ast-10 / seed | ratio |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (BenchmarkRates b : profile.benchmarks()) {
            EngineProfile engine = profile.engines().stream().filter(e -> e.engine().equals(b.engine())).findFirst()
                    .orElse(null);
            if (engine != null) {
                agreementRow(md, b.engine(), "profile", engine.get("plain").unprofiledMedianMs(),
                        engine.get("ast-100").unprofiledMedianMs(), engine.get("ast-10").unprofiledMedianMs());
            }
            Double full = b.msPerBatch().get("full");
            agreementRow(md, b.engine(), "`" + b.folder() + "`", full == null ? Double.NaN : full,
                    b.msPerBatch().getOrDefault("ast-100", Double.NaN), b.msPerBatch().getOrDefault("seed",
                            Double.NaN));
        }
        md.append('\n');
    }

    private static void agreementRow(StringBuilder md, String engine, String source, double plain, double full100,
            double ten) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f× | %.1f | %.2f× |%n", engine, source, plain,
                full100, full100 / plain, ten, ten / plain));
    }

    private static void row(StringBuilder md, String target, String measured, String goal, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(goal).append(" | ")
                .append(met ? "yes" : "**no**").append(" |\n");
    }

    /** The core count, an integer also after a round trip through JSON (which reads numbers as doubles). */
    private static String cores(Object value) {
        return value instanceof Number n ? Integer.toString(n.intValue()) : String.valueOf(value);
    }

    private static String ms(Double value) {
        return value == null ? "–" : value < 0.05 ? "0" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }
}
