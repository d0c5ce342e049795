package io.github.ast.examples.study;

/**
 * One run of the stability study: a configuration on an engine with a seed, measured at each epoch's end.
 *
 * @param engine the engine
 * @param config the configuration's label
 * @param seed the seed of the initialisation and the data order
 * @param testAccuracy test accuracy after each epoch, in [0, 1]
 * @param activation rows trained over rows seen in each epoch
 * @param trainSeconds each epoch's training time, evaluation excluded
 * @param processor the machine's processor
 */
record StabilityRun(String engine, String config, long seed, double[] testAccuracy, double[] activation,
        double[] trainSeconds, String processor) {

    /** {@return the test accuracy after the last epoch} */
    double finalAccuracy() {
        return testAccuracy[testAccuracy.length - 1];
    }

    /** {@return the largest fall of test accuracy from one epoch to the next}, 0 when it never falls */
    double swing() {
        double largest = 0;
        for (int e = 1; e < testAccuracy.length; e++) {
            largest = Math.max(largest, testAccuracy[e - 1] - testAccuracy[e]);
        }
        return largest;
    }

    /** {@return the median epoch's training time} */
    double epochSeconds() {
        double[] sorted = trainSeconds.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
