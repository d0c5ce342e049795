package io.github.ast.examples.benchmark;

import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.examples.benchmark.ProfileCommand.CaseResult;
import io.github.ast.examples.benchmark.ProfileCommand.EngineProfile;
import io.github.ast.examples.benchmark.ProfileCommand.Profile;
import java.util.List;
import java.util.Locale;

/**
 * The profile as Markdown: per engine, a table of every case's phases and totals, then the speed targets derived
 * from the unprofiled totals (each a ratio of two figures measured in the same process, minutes apart).
 */
final class ProfileReport {

    private ProfileReport() {}

    static String markdown(Profile profile) {
        StringBuilder md = new StringBuilder("# Where a batch's time goes\n\n");
        md.append(String.format(Locale.ROOT, "%s, batch %d, Adam, the first %,d Fashion-MNIST training images; "
                + "milliseconds per batch. Machine: %s, %s cores. Command: `%s`.%n%n", profile.model().toUpperCase(
                        Locale.ROOT), profile.batch(), profile.samples(), profile.machine().get("cpu"),
                profile.machine().get("cores"), profile.command()));
        md.append("*Unprofiled* is the median of ").append(profile.passes()).append(" timed epochs (after an untimed "
                + "one), each timed to the moment its last update is computed. The phases come from one more epoch "
                + "in which every phase waits for the engine at its end; their medians do not add up to the "
                + "*profiled* median exactly, and profiling removes the overlap of asynchronous engines (MXNet), so "
                + "compare phases with phases and totals with totals. *Other* is the profiled median minus the sum "
                + "of the phases' medians: host bookkeeping (controller, energy, history, results).\n\n");
        for (EngineProfile engine : profile.engines()) {
            md.append("## ").append(engine.engine()).append(' ').append(engine.engineVersion()).append("\n\n");
            phaseTable(md, engine);
            targets(md, engine);
        }
        return md.toString();
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

    private static void targets(StringBuilder md, EngineProfile engine) {
        double plain = engine.get("plain").unprofiledMedianMs();
        double scoring = engine.get("scoring").unprofiledMedianMs();
        double f = scoring / plain;
        double bound = 1 / (f + ProfileCommand.RATE);
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
        md.append(String.format(Locale.ROOT, "%nFor comparison, `random-10` (no scoring, 13-row steps) runs an "
                + "epoch %.2f× as fast as plain.%n%n", random));
    }

    private static void row(StringBuilder md, String target, String measured, String goal, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(goal).append(" | ")
                .append(met ? "yes" : "**no**").append(" |\n");
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
