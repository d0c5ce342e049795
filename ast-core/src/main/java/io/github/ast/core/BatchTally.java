package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.Selection;
import java.util.Map;

/**
 * Builds a batch's {@link BatchResult} as its stages report: what the policy selected, what the scoring pass saw,
 * what the steps trained. The training statistics (loss, accuracy) are the scoring pass's when the batch had one, so
 * that they describe the whole batch before its step, else the trained rows'.
 */
final class BatchTally {

    private final int size;
    private int gateActive;
    private int trained;
    private boolean fallback;
    private boolean skipped;
    private int evaluated;
    private double lossSum;
    private long correct;
    private int forwarded;
    private int backPropagated;
    private double maxWeight = 1;
    private boolean scored;
    private Map<String, BatchEnergy> energies = Map.of();

    /** @param size the batch's rows, 0 for the rows trained at an epoch's end */
    BatchTally(int size) {
        this.size = size;
    }

    /** A batch trained whole in one step, with no scoring pass. */
    BatchTally all(int gateActive) {
        this.gateActive = gateActive;
        this.trained = size;
        return this;
    }

    /** The policy's selection. */
    BatchTally selected(Selection selection) {
        gateActive = selection.gateActive();
        trained = selection.count();
        fallback = selection.fallback();
        maxWeight = selection.maxWeight();
        return this;
    }

    /** The scoring pass's statistics over the whole batch: (loss sum, correct). */
    BatchTally scored(float[] statistics) {
        scored = true;
        evaluated = size;
        lossSum = statistics[0];
        correct = Math.round(statistics[1]);
        forwarded += size;
        return this;
    }

    /** Rows the steps trained, with their statistics unless a scoring pass gave the batch's. */
    BatchTally steps(int rows, double stepLossSum, long stepCorrect) {
        forwarded += rows;
        backPropagated += rows;
        if (!scored) {
            evaluated += rows;
            lossSum += stepLossSum;
            correct += stepCorrect;
        }
        return this;
    }

    /** Rows trained whose statistics are not the batch's: a flush after batches a scoring pass described. */
    BatchTally rowsOnly(int rows) {
        forwarded += rows;
        backPropagated += rows;
        return this;
    }

    /** Statistics of rows trained in earlier batches, read only now (plain steps), without adding rows. */
    BatchTally figures(int rows, double stepLossSum, long stepCorrect) {
        evaluated += rows;
        lossSum += stepLossSum;
        correct += stepCorrect;
        return this;
    }

    /** A pooled step failed: its rows are dropped and the batch that completed it counts as skipped. */
    BatchTally failed() {
        skipped = true;
        return this;
    }

    BatchTally priced(Map<String, BatchEnergy> batchEnergies) {
        energies = batchEnergies;
        return this;
    }

    BatchResult result(double threshold) {
        return new BatchResult(size, gateActive, trained, fallback, skipped, evaluated, lossSum, correct, threshold,
                energies, forwarded, backPropagated, maxWeight, scored);
    }
}
