package io.github.ast.examples.benchmark;

import io.github.ast.examples.datakinds.Deduplication;
import picocli.CommandLine.Option;

/** The benchmark's options for the kind of training data ({@link DataKind}) and the deduplication arm. */
final class DataKindOptions {

    @Option(names = "--noise", defaultValue = "0", description = "fraction of training labels flipped, per seed "
            + "(default ${DEFAULT-VALUE}); of every confusable class's labels with --noise-kind asymmetric")
    double noise;

    @Option(names = "--noise-kind", defaultValue = "symmetric", description = "symmetric (to any other class) or "
            + "asymmetric (only among shirt / T-shirt / pullover / coat and sandal / sneaker / ankle boot) "
            + "(default ${DEFAULT-VALUE})")
    String noiseKind;

    @Option(names = "--imbalance", defaultValue = "1", description = "long tail: head class size over tail class "
            + "size, classes falling exponentially between; the head class from a fixed seed (default "
            + "${DEFAULT-VALUE}: balanced)")
    double imbalance;

    @Option(names = "--duplicates", defaultValue = "0:0", description = "k:f, k near-copies (one-pixel shift, pixel "
            + "noise) of a fraction f of the training images, per seed (default ${DEFAULT-VALUE}: none)")
    String duplicates;

    @Option(names = "--clean-holdout", defaultValue = "0", description = "clean labelled training rows set aside "
            + "before anything else, for early-stop, finetune@f and rho-clean (default ${DEFAULT-VALUE})")
    int cleanHoldout;

    @Option(names = "--dedup-threshold", description = "the dedup arm's cosine similarity above which a row is a "
            + "copy of an earlier one of its class (default: " + Deduplication.DEFAULT_THRESHOLD + ")")
    Double dedupThreshold;

    /** {@return the data kind the options describe} */
    DataKind kind() {
        double[] copies = DataKind.parseDuplicates(duplicates);
        return new DataKind(noise, DataKind.NoiseKind.of(noiseKind), imbalance, (int) copies[0], copies[1],
                cleanHoldout);
    }

    /** {@return the dedup arm's threshold}, checked before any run */
    double threshold() {
        return new Deduplication(dedupThreshold == null ? Deduplication.DEFAULT_THRESHOLD : dedupThreshold)
                .threshold();
    }
}
