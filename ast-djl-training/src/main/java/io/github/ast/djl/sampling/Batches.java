package io.github.ast.djl.sampling;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntSupplier;

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
        return of(epoch, () -> batchSize, dropLast);
    }

    /**
     * Returns the batches of an epoch, each as long as {@code batchSize} says when it is drawn.
     *
     * @param epoch the epoch's indices, in order
     * @param batchSize rows per batch, read as each batch is drawn, >= 1
     * @param dropLast whether a smaller last batch is dropped
     * @return the batches, views of {@code epoch}
     */
    static Iterator<List<Long>> of(List<Long> epoch, IntSupplier batchSize, boolean dropLast) {
        return new Iterator<>() {
            private int from;

            @Override
            public boolean hasNext() {
                return hasNext(batchSize.getAsInt());
            }

            private boolean hasNext(int rows) {
                return from < epoch.size() && (!dropLast || epoch.size() - from >= rows);
            }

            @Override
            public List<Long> next() {
                int rows = batchSize.getAsInt(); // read once: it may change between calls
                if (!hasNext(rows)) {
                    throw new NoSuchElementException();
                }
                int to = Math.min(epoch.size(), from + rows);
                List<Long> batch = epoch.subList(from, to);
                from = to;
                return batch;
            }
        };
    }
}
