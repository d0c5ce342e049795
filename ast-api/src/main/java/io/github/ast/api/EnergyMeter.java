package io.github.ast.api;

/**
 * Reads energy actually consumed (or, where no sensor exists, an estimate that says so), as a monotonic counter.
 *
 * <p>Counted models say what the work should cost; a meter says what it did cost, so the two can be shown side by
 * side. Readings are cumulative joules since the meter was opened; the trainer takes differences per batch, epoch
 * and phase.
 */
public interface EnergyMeter extends AutoCloseable {

    /** {@return a short description of the source, for example "RAPL package-0+dram" or "CPU time x 10 W/core"} */
    String description();

    /** {@return true if the figures are an estimate rather than a hardware measurement} */
    boolean isEstimate();

    /**
     * Reads the energy consumed since the meter was opened.
     *
     * @return joules, non-decreasing between calls
     */
    double joules();

    @Override
    default void close() {}
}
