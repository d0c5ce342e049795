package io.github.ast.examples;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The data options every command shares, {@code --data DIR} and {@code --embedded}, and how they load Fashion-MNIST:
 * a picocli mixin, so that the demo, the benchmark and the profile name and check them alike.
 */
public final class DataOptions {

    @Option(names = "--data", description = "directory with the four IDX .gz files (default: Debian's "
            + "dataset-fashion-mnist)")
    Path data;

    @Option(names = "--embedded", description = "use the slice embedded in ast-examples (6,000 training, 1,000 test "
            + "images) even when the full set is installed: for trying a command out, its figures say little")
    boolean embedded;

    /**
     * Checks that at most one data set is named, so that a command can refuse bad options before any work.
     *
     * @throws IllegalArgumentException if both {@code --embedded} and {@code --data} are given
     */
    public void requireOneSource() {
        if (embedded && data != null) {
            throw new IllegalArgumentException("--embedded and --data " + data + " name two data sets; pass one");
        }
    }

    /**
     * Loads the data asked for.
     *
     * @param manager where the arrays live
     * @param fallBackToEmbedded without {@code --data}, use the embedded slice when Debian's set is missing (the
     *     demo, which must run anywhere) instead of failing (measurements, which must not quietly shrink)
     * @return the data
     * @throws IOException if a file is missing or corrupt
     * @throws IllegalArgumentException if both options are given, or the full set is missing and may not be replaced
     */
    public FashionMnist.Data load(NDManager manager, boolean fallBackToEmbedded) throws IOException {
        requireOneSource();
        if (embedded) {
            return FashionMnist.loadEmbedded(manager);
        }
        if (data == null && !fallBackToEmbedded && !Files.isDirectory(FashionMnist.DEBIAN_DIRECTORY)) {
            throw new IllegalArgumentException("Fashion-MNIST is not in " + FashionMnist.DEBIAN_DIRECTORY
                    + ": install Debian's package dataset-fashion-mnist, pass --data DIR, or pass --embedded to "
                    + "try the command on the small embedded slice");
        }
        // Naming Debian's directory makes a missing file an error; only the demo may fall back to the slice.
        return FashionMnist.load(manager, data != null ? data : fallBackToEmbedded ? null
                : FashionMnist.DEBIAN_DIRECTORY);
    }
}
