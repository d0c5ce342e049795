/**
 * Energy meters, found through {@code META-INF/services/io.github.ast.api.spi.EnergyMeterFactory}: RAPL (priority
 * 30) and NVML (20) read hardware counters, CPU time x watts per core (0) is the labelled estimate used where neither
 * is readable. Counted models say what the work should cost; these say what it did cost.
 */
package io.github.ast.energy.meter;
