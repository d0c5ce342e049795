package io.github.ast.selection.reference;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.djl.sampling.Rs2Sampler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * How RHO-LOSS's reference model is trained and turned into {@link IrreducibleLosses}: a network (the main one or a
 * smaller one), trained for a few epochs on a held-out fraction of the training set, then asked for its loss on
 * every sample. Supplied in code ({@code AdaptiveSparseTraining.builder(config).service(ReferenceTraining.class,
 * ReferenceTraining.builder(network, inputShape).build())}), since a network is not configuration.
 *
 * <p>Cross-fitted, so that no sample's irreducible loss comes from a model that trained on it: model A trains on a
 * held-out fraction H and scores everything else; model B trains on a disjoint fraction of the same size and scores
 * H. The main model still trains on every sample. The engine's generator is reseeded from {@code seed} before each
 * reference model is initialised, so that a recipe gives the same table; {@code fit} reseeds it again at every
 * epoch. Two reference trainings of {@code holdOut} of the data each, and one
 * forward over the whole set, are what it costs; the trainer counts them in the run's first epoch.
 *
 * <p>With a {@code cleanSet} (a clean labelled set apart from the training set, as the RHO-LOSS paper uses) there is
 * one model instead: it trains on all of the clean set and scores every training sample, which it never saw.
 *
 * @param network creates a fresh, uninitialised reference network (two layers or more: a single linear layer's
 *     softmax gradients sum to exactly 0, which DJL's first optimiser step takes for a missing backward and refuses)
 * @param inputShape one sample's input shape with a leading batch dimension of 1, for {@code initialize}
 * @param holdOut the fraction each reference model trains on, in (0, 0.5]
 * @param epochs epochs over that fraction, >= 1
 * @param batchSize rows per batch, >= 1
 * @param learningRate Adam's learning rate, > 0
 * @param seed seeds the held-out split and the batches' order
 * @param loss the per-sample loss the table holds (the main run's: softmax cross-entropy by default)
 * @param cleanSet a clean labelled set apart from the training set (RHO-LOSS's holdout as the paper uses it), or
 *     null: when given, one model trains on all of it and scores every training sample, and {@code holdOut} is unused
 */
public record ReferenceTraining(Supplier<Block> network, Shape inputShape, double holdOut, int epochs, int batchSize,
        float learningRate, long seed, PerSampleLoss loss, RandomAccessDataset cleanSet) {

    /**
     * Checks every setting, naming it.
     *
     * @param network creates a fresh, uninitialised reference network of two layers or more
     * @param inputShape one sample's input shape with a leading batch dimension of 1
     * @param holdOut the fraction each reference model trains on, in (0, 0.5]
     * @param epochs epochs over that fraction, >= 1
     * @param batchSize rows per batch, >= 1
     * @param learningRate Adam's learning rate, finite and > 0
     * @param seed seeds the held-out split and the batches' order
     * @param loss the per-sample loss the table holds
     * @param cleanSet a clean labelled set apart from the training set, or null
     */
    public ReferenceTraining {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(loss, "loss");
        if (!(holdOut > 0 && holdOut <= 0.5)) {
            throw new ConfigurationException("holdOut=" + holdOut + " is invalid; it must be in (0, 0.5], two "
                    + "disjoint fractions of the training set");
        }
        if (epochs < 1 || batchSize < 1) {
            throw new ConfigurationException("epochs=" + epochs + " and batchSize=" + batchSize + " must be >= 1");
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new ConfigurationException("learningRate=" + learningRate + " must be finite and > 0");
        }
    }

    /**
     * Starts a recipe with the defaults: 10% held out, 2 epochs, batches of 128, Adam at 0.001, seed 0, softmax
     * cross-entropy.
     *
     * @param network creates the reference network
     * @param inputShape one sample's input shape, batch dimension 1
     * @return the builder
     */
    public static Builder builder(Supplier<Block> network, Shape inputShape) {
        return new Builder(network, inputShape);
    }

    /**
     * Returns this recipe with another number of epochs, for a run's {@code ast.policy.referenceEpochs}: how long the
     * reference trains decides what "irreducible" means, and is tuned on the validation split, not in code.
     *
     * @param count epochs over each held-out fraction, >= 1
     * @return the recipe with {@code count} epochs and every other setting unchanged
     */
    public ReferenceTraining withEpochs(int count) {
        return new ReferenceTraining(network, inputShape, holdOut, count, batchSize, learningRate, seed, loss,
                cleanSet);
    }

    /**
     * Trains the reference models and computes the table.
     *
     * @param data the training set the main run trains on; its batches' indices key the table
     * @param engine the engine's name, null for the default engine
     * @return the irreducible loss of every sample, with what it cost
     * @throws IOException if the data cannot be read
     * @throws TranslateException if the data cannot be batched
     * @throws ConfigurationException if the set is too small to hold two disjoint fractions out
     */
    public IrreducibleLosses build(RandomAccessDataset data, String engine) throws IOException, TranslateException {
        long start = System.nanoTime();
        int size = Math.toIntExact(data.size());
        float[] table = new float[size];
        Arrays.fill(table, Float.NaN);
        long[] rows = new long[2]; // forwarded, back-propagated
        if (cleanSet != null) {
            trainAndScore(cleanSet, all(cleanSet.size()), data, all(size), table, rows, engine);
            return tabulated(table, start, rows);
        }
        int held = (int) Math.round(holdOut * size);
        if (held < 1 || 2 * held > size) {
            throw new ConfigurationException("holdOut=" + holdOut + " of " + size + " samples gives " + held
                    + " per reference model; it needs at least 1 and two disjoint fractions");
        }
        List<Long> order = all(size);
        Collections.shuffle(order, new Random(seed));
        List<Long> first = order.subList(0, held);
        List<Long> second = order.subList(held, 2 * held);
        List<Long> rest = new ArrayList<>(order.subList(held, size));
        Collections.sort(rest);
        trainAndScore(data, first, data, rest, table, rows, engine);
        trainAndScore(data, second, data, new ArrayList<>(first), table, rows, engine);
        return tabulated(table, start, rows);
    }

    private static List<Long> all(long size) {
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            all.add(i);
        }
        return all;
    }

    /** The table, checked to hold a finite loss for every sample. */
    private IrreducibleLosses tabulated(float[] table, long start, long[] rows) {
        for (int i = 0; i < table.length; i++) {
            if (!Float.isFinite(table[i])) {
                throw new IllegalStateException("the reference model's loss on sample " + i + " is " + table[i]
                        + "; its training diverged (lower learningRate=" + learningRate + ")");
            }
        }
        return new IrreducibleLosses(table, (System.nanoTime() - start) / 1e9, rows[0], rows[1]);
    }

    /**
     * Trains a fresh reference model on rows {@code trainOn} of {@code trainData} and writes its losses on rows
     * {@code score} of {@code scoreData} into the table.
     */
    private void trainAndScore(RandomAccessDataset trainData, List<Long> trainOn, RandomAccessDataset scoreData,
            List<Long> score, float[] table, long[] rows, String engine) throws IOException, TranslateException {
        try (Model model = engine == null ? Model.newInstance("ast-reference")
                : Model.newInstance("ast-reference", engine)) {
            model.setBlock(network.get());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                // The reference's initialisation follows the seed: the same recipe gives the same table.
                model.getNDManager().getEngine().setRandomSeed((int) (seed ^ (seed >>> 32)));
                trainer.initialize(inputShape);
                RandomAccessDataset training = trainData.subDataset(trainOn);
                Rs2Sampler sampler = new Rs2Sampler(batchSize, 1, false, seed);
                for (int epoch = 0; epoch < epochs; epoch++) {
                    for (Batch batch : training.getData(trainer.getManager(), sampler)) {
                        try (batch) {
                            EasyTrain.trainBatch(trainer, batch);
                            trainer.step();
                            rows[0] += batch.getSize();
                            rows[1] += batch.getSize();
                        }
                    }
                }
                RandomAccessDataset scored = scoreData.subDataset(score);
                for (Batch batch : scored.getData(trainer.getManager(),
                        new BatchSampler(new SequenceSampler(), batchSize, false))) {
                    try (batch; NDManager scope = trainer.getManager().newSubManager()) {
                        NDArray losses = loss.compute(batch.getLabels(), trainer.evaluate(batch.getData()));
                        losses.attach(scope);
                        float[] values = losses.toFloatArray();
                        List<?> positions = batch.getIndices();
                        for (int i = 0; i < values.length; i++) {
                            // the subset's batches carry positions in the subset
                            table[Math.toIntExact(score.get(((Number) positions.get(i)).intValue()))] = values[i];
                        }
                        rows[0] += batch.getSize();
                    }
                }
            }
        }
    }

    /** Collects a recipe's settings; every one has a default but the network. */
    public static final class Builder {
        private final Supplier<Block> network;
        private final Shape inputShape;
        private double holdOut = 0.1;
        private int epochs = 2;
        private int batchSize = 128;
        private float learningRate = 1e-3f;
        private long seed;
        private PerSampleLoss loss = PerSampleLoss.softmaxCrossEntropy();
        private RandomAccessDataset cleanSet;

        private Builder(Supplier<Block> network, Shape inputShape) {
            this.network = network;
            this.inputShape = inputShape;
        }

        /**
         * Sets each reference model's share of the training set.
         *
         * @param fraction in (0, 0.5]
         * @return this builder
         */
        public Builder holdOut(double fraction) {
            this.holdOut = fraction;
            return this;
        }

        /**
         * Sets the epochs each reference model trains over its fraction.
         *
         * @param count >= 1
         * @return this builder
         */
        public Builder epochs(int count) {
            this.epochs = count;
            return this;
        }

        /**
         * Sets the rows per batch, for training and scoring.
         *
         * @param rows >= 1
         * @return this builder
         */
        public Builder batchSize(int rows) {
            this.batchSize = rows;
            return this;
        }

        /**
         * Sets Adam's learning rate.
         *
         * @param rate > 0
         * @return this builder
         */
        public Builder learningRate(float rate) {
            this.learningRate = rate;
            return this;
        }

        /**
         * Sets the seed of the split, the batches' order and the reference models' initialisation.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Sets the per-sample loss the table holds.
         *
         * @param perSample the loss
         * @return this builder
         */
        public Builder loss(PerSampleLoss perSample) {
            this.loss = perSample;
            return this;
        }

        /**
         * Trains the reference on a clean labelled set apart from the training set instead of held-out fractions of
         * it: one model, scoring every training sample.
         *
         * @param clean the clean set, as a dataset of the training set's form
         * @return this builder
         */
        public Builder cleanSet(RandomAccessDataset clean) {
            if (clean.size() < 1) {
                throw new ConfigurationException("the clean set for RHO-LOSS's reference is empty; it needs >= 1 row");
            }
            this.cleanSet = clean;
            return this;
        }

        /**
         * Creates the recipe.
         *
         * @return the validated recipe
         */
        public ReferenceTraining build() {
            return new ReferenceTraining(network, inputShape, holdOut, epochs, batchSize, learningRate, seed, loss,
                    cleanSet);
        }
    }
}
