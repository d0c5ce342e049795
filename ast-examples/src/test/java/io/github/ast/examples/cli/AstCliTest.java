package io.github.ast.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ast.examples.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one command line: its subcommands, their help, and bad input as one error line with exit code 2. */
class AstCliTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = AstCli.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.getSubcommands().values().forEach(sub -> {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        });
        return new Run(Cli.execute(cli, args), out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommandAndEachHasItsOwn() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("demo", "benchmark", "profile", "controllers", "report", "configuration",
                "stability");
        for (String sub : new String[] {"demo", "benchmark", "profile", "controllers", "report", "configuration",
            "stability"}) {
            Run subHelp = run(sub, "--help");
            assertThat(subHelp.code()).as(sub).isZero();
            assertThat(subHelp.out()).as(sub).startsWith("Usage: ast " + sub);
        }
        assertThat(run("demo", "--help").out()).contains("--engine", "--embedded", "--budget");
    }

    @Test
    void badInputIsOneErrorLineNamingTheValue(@TempDir Path empty) {
        Run budget = run("demo", "--budget", "0");
        assertThat(budget.code()).isEqualTo(2);
        assertThat(budget.err().strip()).isEqualTo("error: --budget 0.0 must be a finite number of seconds > 0");
        Run engine = run("profile", "--engine", "TensorFlow");
        assertThat(engine.code()).isEqualTo(2);
        assertThat(engine.err()).contains("--engine TensorFlow is unknown; use PyTorch, MXNet or all");
        Run report = run("report", empty.toString());
        assertThat(report.code()).isEqualTo(2);
        assertThat(report.err()).contains("holds neither runs.jsonl");
        assertThat(run("demo", "--epochs", "3").code()).as("an unknown option").isEqualTo(2);
    }

    @Test
    void theBenchmarkAndTheProfileRecordTheArgumentsAfterTheirName() {
        assertThat(AstCli.after("benchmark", new String[] {"benchmark", "--quick", "--out", "x"}))
                .containsExactly("--quick", "--out", "x");
        assertThat(AstCli.after("profile", new String[] {"benchmark"})).isEmpty();
    }
}
