package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PerSampleLoss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The rows a policy that measures progress is judged on: the first rows of the validation set given to {@code fit},
 * or else a seeded sample of the training set (at most a twentieth of it), which is then taken out of every batch so
 * that it never trains. Kept
 * on the engine for the run; a measurement is forwards in chunks and one host read.
 */
final class HeldOutRows implements AutoCloseable {

    /** Rows per forward of a measurement. */
    private static final int CHUNK = 256;

    private final NDManager manager;
    private final List<NDList> data = new ArrayList<>();
    private final List<NDList> labels = new ArrayList<>();
    private final PerSampleLoss perSampleLoss;
    /** Training-set indices held out, by index; null when the rows come from the validation set. */
    private final boolean[] excluded;
    private final String source;
    /** Rows taken so far; final once the factory returns. */
    private int rows;

    private HeldOutRows(NDManager manager, PerSampleLoss perSampleLoss, boolean[] excluded, String source) {
        this.manager = manager;
        this.perSampleLoss = perSampleLoss;
        this.excluded = excluded;
        this.source = source;
    }

    /**
     * Sets the rows aside.
     *
     * @param wanted the rows the policy asked for
     * @param validationSet {@code fit}'s validation set, or null
     * @param trainingSet the training set, sampled from when there is no validation set
     * @param seed seeds the training-set sample
     * @throws ConfigurationException if the rows must come from a training set that is not a RandomAccessDataset, or
     *     would leave it fewer rows than it holds out
     */
    static HeldOutRows of(int wanted, Dataset validationSet, Dataset trainingSet, long seed, NDManager parent,
            PerSampleLoss perSampleLoss) throws IOException, TranslateException {
        NDManager manager = parent.newSubManager();
        try {
            return validationSet != null ? fromValidation(wanted, validationSet, manager, perSampleLoss)
                    : fromTraining(wanted, trainingSet, seed, manager, perSampleLoss);
        } catch (RuntimeException | IOException | TranslateException e) {
            manager.close();
            throw e;
        }
    }

    private static HeldOutRows fromValidation(int wanted, Dataset validationSet, NDManager manager,
            PerSampleLoss perSampleLoss) throws IOException, TranslateException {
        HeldOutRows held = new HeldOutRows(manager, perSampleLoss, null, "the validation set");
        if (validationSet instanceof RandomAccessDataset indexed) {
            List<Long> first = new ArrayList<>();
            for (long i = 0; i < Math.min(wanted, indexed.size()); i++) {
                first.add(i);
            }
            held.addRecords(indexed, first);
        } else {
            for (Batch batch : validationSet.getData(manager)) {
                try (batch) {
                    int take = Math.min(batch.getSize(), wanted - held.rows);
                    held.add(copy(batch.getData(), take, manager), copy(batch.getLabels(), take, manager), take);
                }
                if (held.rows == wanted) {
                    break;
                }
            }
        }
        if (held.rows == 0) {
            throw new ConfigurationException("the validation set given to fit has no rows to measure progress on");
        }
        return held;
    }

    private static HeldOutRows fromTraining(int wanted, Dataset trainingSet, long seed, NDManager manager,
            PerSampleLoss perSampleLoss) throws IOException, TranslateException {
        if (!(trainingSet instanceof RandomAccessDataset indexed)) {
            throw new ConfigurationException("held-out rows for the policy's progress come from the validation set "
                    + "given to fit, or else from a training set that is a RandomAccessDataset; got neither (a "
                    + trainingSet.getClass().getName() + "): pass a validation set");
        }
        int size = Math.toIntExact(indexed.size());
        if (size < 320) {
            throw new ConfigurationException("the policy holds out a twentieth of the training set to measure its "
                    + "progress, but it has only " + size + " rows (at least 320 needed): pass a validation set to "
                    + "fit");
        }
        int rows = Math.min(wanted, size / 20);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed ^ 0x4865_6c64_4f75_74L);
        boolean[] excluded = new boolean[size];
        List<Long> picked = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int j = i + random.nextInt(size - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            excluded[order[i]] = true;
            picked.add((long) order[i]);
        }
        HeldOutRows held = new HeldOutRows(manager, perSampleLoss, excluded, "the training set (never trained)");
        held.addRecords(indexed, picked);
        return held;
    }

    private void addRecords(RandomAccessDataset dataset, List<Long> indices) throws IOException {
        for (int from = 0; from < indices.size(); from += CHUNK) {
            List<NDList> recordData = new ArrayList<>();
            List<NDList> recordLabels = new ArrayList<>();
            for (long index : indices.subList(from, Math.min(indices.size(), from + CHUNK))) {
                Record record = dataset.get(manager, index);
                recordData.add(record.getData());
                recordLabels.add(record.getLabels());
            }
            add(Batchifier.STACK.batchify(recordData.toArray(NDList[]::new)),
                    Batchifier.STACK.batchify(recordLabels.toArray(NDList[]::new)), recordData.size());
        }
    }

    private void add(NDList chunkData, NDList chunkLabels, int count) {
        data.add(chunkData);
        labels.add(chunkLabels);
        rows += count;
    }

    private static NDList copy(NDList arrays, int rows, NDManager manager) {
        NDList copies = new NDList();
        for (NDArray array : arrays) {
            NDArray copy = array.get("0:" + rows).duplicate();
            copy.attach(manager);
            copies.add(copy);
        }
        return copies;
    }

    /** {@return the rows held out} */
    int rows() {
        return rows;
    }

    /** {@return where the rows come from, for the log} */
    String source() {
        return source;
    }

    /**
     * Measures the rows' mean loss under the model's current parameters: gradient-free forwards, one host read.
     *
     * @param trainer the trainer whose model is measured
     * @return the mean per-sample loss
     */
    double meanLoss(Trainer trainer) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray sum = null;
            for (int i = 0; i < data.size(); i++) {
                NDList outputs = ScoreSource.evaluateAcrossDevices(trainer, data.get(i));
                NDArray chunk = perSampleLoss.compute(labels.get(i), outputs).toType(DataType.FLOAT32, false).sum();
                chunk.attach(scratch);
                outputs.attach(scratch);
                sum = sum == null ? chunk : sum.add(chunk);
            }
            return sum.getFloat() / rows;
        }
    }

    /**
     * Takes the held-out rows out of a training batch.
     *
     * @return the batch itself when it holds none of them, else a new batch of the other rows on its manager
     * @throws IllegalArgumentException if the batch does not carry its dataset indices
     */
    Batch without(Batch batch) {
        if (excluded == null) {
            return batch;
        }
        List<?> indices = batch.getIndices();
        if (indices == null || indices.size() != batch.getSize()) {
            throw new IllegalArgumentException("holding training rows out needs batches that carry their dataset "
                    + "indices, as a RandomAccessDataset's do; this batch has none for its " + batch.getSize()
                    + " rows");
        }
        List<Long> kept = new ArrayList<>();
        List<Object> keptIndices = new ArrayList<>();
        for (int row = 0; row < indices.size(); row++) {
            Object index = indices.get(row);
            if (!excluded[Math.toIntExact(((Number) index).longValue())]) {
                kept.add((long) row);
                keptIndices.add(index);
            }
        }
        if (kept.size() == batch.getSize()) {
            return batch;
        }
        NDManager batchManager = batch.getManager();
        NDIndex rowsKept = new NDIndex("{}", batchManager.create(kept.stream().mapToLong(Long::longValue).toArray()));
        NDList data = new NDList();
        batch.getData().forEach(array -> data.add(array.get(rowsKept)));
        NDList labels = new NDList();
        batch.getLabels().forEach(array -> labels.add(array.get(rowsKept)));
        return new Batch(batchManager, data, labels, kept.size(), Batchifier.STACK, Batchifier.STACK,
                batch.getProgress(), batch.getProgressTotal(), keptIndices);
    }

    @Override
    public void close() {
        manager.close();
    }
}
