package io.github.ast.examples.benchmark;

/**
 * One epoch of one benchmark run; the cumulative figures are what time-to-accuracy is read from.
 *
 * @param epoch 1-based epoch
 * @param epochSeconds wall-clock seconds of the epoch's training loop (evaluation excluded)
 * @param cumulativeSeconds training seconds since the run started
 * @param testAccuracy accuracy on the test set after the epoch
 * @param activation fraction of samples trained in the epoch
 * @param backpropSamples samples back-propagated since the run started
 * @param gflop GFLOP spent since the run started, the scoring pass included (FLOP model)
 * @param joules energy the meter read since the run started, NaN without a meter
 */
public record EpochPoint(int epoch, double epochSeconds, double cumulativeSeconds, double testAccuracy,
        double activation, long backpropSamples, double gflop, double joules) {}
