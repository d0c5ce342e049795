package io.github.ast.spark;

import ai.djl.Model;

/**
 * The model an executor scores with: built from the broadcast once per version and per JVM, and shared by the
 * executor's task threads (each task makes its own predictor from it, as predictors are not thread-safe). Tasks lease
 * it; when a new version replaces it, it is closed once the last task still scoring with it has finished.
 */
final class ExecutorModels {

    /** One built version and how many tasks are using it. */
    private static final class Entry {
        private final String version;
        private final Model model;
        private int users;
        private boolean replaced;

        Entry(String version, Model model) {
            this.version = version;
            this.model = model;
        }
    }

    /**
     * A task's use of the executor's model; closing it releases the model.
     *
     * @param entry the leased version
     */
    record Lease(Entry entry) implements AutoCloseable {

        /** {@return the model; do not close it} */
        Model model() {
            return entry.model;
        }

        @Override
        public void close() {
            release(entry);
        }
    }

    private static Entry current;

    private ExecutorModels() {}

    /**
     * Leases the executor's model for a version, building it on first use.
     *
     * @param version the broadcast version
     * @return the lease, to close when the task is done
     */
    static synchronized Lease acquire(ScoringModel version) {
        if (current == null || !current.version.equals(version.version())) {
            Entry built = new Entry(version.version(), version.load());
            if (current != null) {
                current.replaced = true;
                closeIfUnused(current);
            }
            current = built;
        }
        current.users++;
        return new Lease(current);
    }

    /** {@return how many tasks hold a lease on the current model now} */
    static synchronized int leases() {
        return current == null ? 0 : current.users;
    }

    private static synchronized void release(Entry entry) {
        entry.users--;
        closeIfUnused(entry);
    }

    private static void closeIfUnused(Entry entry) {
        if (entry.replaced && entry.users == 0) {
            entry.model.close();
        }
    }
}
