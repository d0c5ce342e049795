package io.github.ast.examples.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the benchmark does to its clean, balanced training split before training: a long tail of classes, near-copies
 * of images, label noise, and a clean holdout set aside first. Validation and test stay untouched, so that accuracy
 * on the balanced test set is balanced accuracy.
 *
 * @param noise fraction of labels flipped, in [0, 1); of every confusable class's labels when asymmetric
 * @param noiseKind how labels flip
 * @param imbalance head class size over tail class size, >= 1 (1: balanced)
 * @param copies near-copies per duplicated image, >= 0 (0: none)
 * @param copyFraction share of the images that get copies, in [0, 1], 0 exactly when {@code copies} is 0
 * @param cleanHoldout clean labelled training rows set aside before anything else, >= 0
 */
record DataKind(double noise, NoiseKind noiseKind, double imbalance, int copies, double copyFraction,
        int cleanHoldout) {

    /** The clean, balanced training split as it is. */
    static final DataKind CLEAN = new DataKind(0, NoiseKind.SYMMETRIC, 1, 0, 0, 0);

    /** How labels flip. */
    enum NoiseKind {
        /** To any other class, uniformly. */
        SYMMETRIC,
        /** Only within groups of classes that look alike (Fashion-MNIST's shirts and tops; its shoes). */
        ASYMMETRIC;

        static NoiseKind of(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--noise-kind '" + text + "' is unknown; use symmetric or "
                        + "asymmetric", e);
            }
        }
    }

    /**
     * Checks every value, naming its option.
     *
     * @param noise see the record
     * @param noiseKind see the record
     * @param imbalance see the record
     * @param copies see the record
     * @param copyFraction see the record
     * @param cleanHoldout see the record
     */
    DataKind {
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("--noise " + noise + " must be in [0, 1)");
        }
        if (!(imbalance >= 1) || Double.isInfinite(imbalance)) {
            throw new IllegalArgumentException("--imbalance " + imbalance + " must be finite and >= 1 (1: balanced)");
        }
        if (copies < 0 || !(copyFraction >= 0 && copyFraction <= 1) || (copies == 0) != (copyFraction == 0)) {
            throw new IllegalArgumentException("--duplicates " + copies + ":" + copyFraction + " must be k:f with "
                    + "k >= 1 copies and f in (0, 1], or 0:0 for none");
        }
        if (cleanHoldout < 0) {
            throw new IllegalArgumentException("--clean-holdout " + cleanHoldout + " must be >= 0");
        }
    }

    /**
     * Parses {@code --duplicates k:f}.
     *
     * @param text e.g. {@code 4:0.5}, or {@code 0:0} for none
     * @return {copies, fraction}
     * @throws IllegalArgumentException naming the text
     */
    static double[] parseDuplicates(String text) {
        String[] parts = text.trim().split(":");
        try {
            if (parts.length == 2) {
                return new double[] {Integer.parseInt(parts[0].trim()), Double.parseDouble(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--duplicates '" + text + "' must be k:f, k near-copies (a whole number) "
                + "of a fraction f of the images, e.g. 4:0.5");
    }

    /** {@return the kind in a few words, e.g. "asymmetric noise 0.40, clean holdout 5000"} */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (noise > 0) {
            parts.add(String.format(Locale.ROOT, "%s noise %.2f", noiseKind.name().toLowerCase(Locale.ROOT), noise));
        }
        if (imbalance > 1) {
            parts.add(String.format(Locale.ROOT, "long tail %g", imbalance));
        }
        if (copies > 0) {
            parts.add(String.format(Locale.ROOT, "%d near-copies of %.0f%% of the images", copies,
                    100 * copyFraction));
        }
        if (cleanHoldout > 0) {
            parts.add("clean holdout " + cleanHoldout);
        }
        return parts.isEmpty() ? "clean, balanced" : String.join(", ", parts);
    }

    /**
     * The settings a run log's identity records: only those that differ from the clean split, so that logs begun
     * before these options existed still resume.
     *
     * @return option name to value
     */
    Map<String, Object> identity() {
        Map<String, Object> identity = new LinkedHashMap<>();
        if (noiseKind != NoiseKind.SYMMETRIC) {
            identity.put("noiseKind", noiseKind.name().toLowerCase(Locale.ROOT));
        }
        if (imbalance != 1) {
            identity.put("imbalance", imbalance);
        }
        if (copies != 0) {
            identity.put("duplicates", copies + ":" + copyFraction);
        }
        if (cleanHoldout != 0) {
            identity.put("cleanHoldout", cleanHoldout);
        }
        return identity;
    }
}
