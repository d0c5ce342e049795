package io.github.ast.core;

import ai.djl.training.util.ProgressBar;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What a user sees of a run without configuring anything: every epoch's line on standard output and, on a terminal,
 * DJL's {@link ProgressBar} within each epoch. Printed directly rather than logged, so that a project with no SLF4J
 * provider still sees its training; the trainer's log keeps the lines at DEBUG for log files. The bar stays off when
 * the output is not a terminal (CI logs, pipes); DJL's bar itself honours its switch ({@code DJL_DISABLE_PROGRESS_BAR}).
 */
public final class ConsoleOutput implements TrainingObserver {

    private final PrintStream out;
    private final String prefix;
    private final boolean progressBar;
    private ProgressBar bar;

    private ConsoleOutput(PrintStream out, String prefix, boolean progressBar) {
        this.out = out;
        this.prefix = prefix;
        this.progressBar = progressBar;
    }

    /**
     * Returns the default output of {@code fit}: epoch lines on {@code System.out}, the progress bar on terminals.
     *
     * @return the observer
     */
    public static ConsoleOutput standard() {
        return standard("");
    }

    /**
     * Returns the default output with each epoch line after a prefix, for programs that print several runs.
     *
     * @param prefix printed before each line, for example {@code "AST  "}
     * @return the observer
     */
    public static ConsoleOutput standard(String prefix) {
        return new ConsoleOutput(System.out, prefix, isTerminal());
    }

    /**
     * Whether standard input and output are a terminal: {@code System.console()} says so up to Java 21; from Java 22
     * it returns a console for pipes too, and {@code Console.isTerminal()} (absent from Java 17) says it.
     */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        if (Runtime.version().feature() < 22) {
            return true;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * Returns an observer that prints epoch lines only, each after a prefix, to a stream.
     *
     * @param out where the lines go
     * @param prefix printed before each line, for example {@code "AST  "}
     * @return the observer
     */
    public static ConsoleOutput linesTo(PrintStream out, String prefix) {
        return new ConsoleOutput(out, prefix, false);
    }

    /** {@return whether this observer drives a progress bar (on a terminal; DJL's switch can still silence it)} */
    public boolean drawsProgressBar() {
        return progressBar;
    }

    @Override
    public void onProgress(int epoch, long done, long total) {
        if (!progressBar || total <= 0) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBar(String.format(Locale.ROOT, "Epoch %d", epoch), total);
        }
        bar.update(done);
    }

    @Override
    public void onEpoch(EpochStats stats) {
        if (bar != null) {
            bar.end();
            bar = null;
        }
        out.println(prefix + stats.line());
    }
}
