package io.github.ast.core.sampling;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Cuts one epoch's indices into consecutive batches, the last one possibly smaller, for the samplers here. */
final class Batches {

    private Batches() {}

    /**
     * Returns the batches of an epoch.
     *
     * @param epoch the epoch's indices, in order
     * @param batchSize rows per batch
     * @param dropLast whether a smaller last batch is dropped
     * @return the batches, views of {@code epoch}
     */
    static Iterator<List<Long>> of(List<Long> epoch, int batchSize, boolean dropLast) {
        List<List<Long>> batches = new ArrayList<>();
        for (int from = 0; from < epoch.size(); from += batchSize) {
            int to = Math.min(epoch.size(), from + batchSize);
            if (to - from == batchSize || !dropLast) {
                batches.add(epoch.subList(from, to));
            }
        }
        return batches.iterator();
    }
}
