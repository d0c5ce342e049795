package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import java.util.List;

/**
 * Everything a run produced and everything needed to reproduce it.
 *
 * @param config the full configuration
 * @param provenance the software versions
 * @param energyUnit unit of the energy figures
 * @param epochs per-epoch figures, in order
 */
public record RunReport(AstConfig config, Provenance provenance, String energyUnit, List<EpochStats> epochs) {

    /** Copies the epoch list. */
    public RunReport {
        epochs = List.copyOf(epochs);
    }

    /** Returns the energy summed over all epochs. */
    public BatchEnergy totalEnergy() {
        return epochs.stream().map(EpochStats::energy).reduce(BatchEnergy.ZERO, BatchEnergy::plus);
    }

    /** Returns the last epoch's figures. */
    public EpochStats last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("the run has no epochs");
        }
        return epochs.get(epochs.size() - 1);
    }
}
