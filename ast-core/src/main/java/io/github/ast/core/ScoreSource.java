package io.github.ast.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PerSampleLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a batch's scores come from: a fresh gradient-free forward over the whole batch ({@code ast.selection=fresh},
 * the published system), the outputs and losses the history last recorded for each sample ({@code history}: no
 * scoring forward at all), or fresh every {@code ast.staleness} epochs and from history in between ({@code stale}:
 * StaleSB). Within a fresh epoch, {@link ScoringPass} can make the pass cheaper: only every k-th batch scored
 * afresh (the history in between), or the images average-pooled before the forward. The scoring pass's statistics
 * stay on the engine until the policy's own host read has synchronised, so a batch costs one wait, as before the
 * stages were split.
 */
final class ScoreSource {

    private final SelectionConfig selection;
    private final ScoringPass pass;
    private final PerSampleLoss perSampleLoss;
    private boolean freshThisEpoch;

    ScoreSource(SelectionConfig selection, ScoringPass pass, PerSampleLoss perSampleLoss) {
        this.selection = selection;
        this.pass = pass;
        this.perSampleLoss = perSampleLoss;
        this.freshThisEpoch = selection.mode() != SelectionConfig.Mode.HISTORY;
    }

    /**
     * What a batch is scored by.
     *
     * @param outputs the model's outputs for the whole batch (placeholders for unseen rows)
     * @param losses per-sample losses, shape (batch)
     * @param unseen boolean mask of rows the history never saw, or null
     * @param statistics with a scoring forward, float32 (loss sum, correct predictions and, when the loss counts them
     *     on the engine, invalid labels), not yet read; else null
     */
    record Scores(NDList outputs, NDArray losses, NDArray unseen, NDArray statistics) {

        static Scores stale(NDList outputs, NDArray losses, NDArray unseen) {
            return new Scores(outputs, losses, unseen, null);
        }

        /** Returns whether a scoring forward computed these scores. */
        boolean fresh() {
            return statistics != null;
        }
    }

    /** Sets the epoch: a stale source scores afresh in epochs 1, 1 + staleness, 1 + 2 staleness, ... */
    void startEpoch(int epoch) {
        freshThisEpoch = switch (selection.mode()) {
            case FRESH -> true;
            case HISTORY -> false;
            case STALE -> (epoch - 1) % selection.staleness() == 0;
        };
    }

    /** Returns whether every batch of the current epoch gets a scoring forward. */
    boolean fresh() {
        return freshThisEpoch && pass.every() == 1;
    }

    /**
     * Scores a batch.
     *
     * @param trainer the DJL trainer
     * @param batch the batch
     * @param indices its dataset indices, or null without a history
     * @param history the run's history, or null
     * @param position the batch's 0-based position in its epoch
     * @param fromHistory whether the policy asked for the history's scores for this batch
     * @return the scores
     */
    Scores scores(Trainer trainer, Batch batch, NDArray indices, SampleHistory history, long position,
            boolean fromHistory) {
        if (fromHistory || !freshThisEpoch || !pass.scores(position)) {
            return history.gather(batch, indices);
        }
        NDList labels = batch.getLabels();
        NDList predictions = forward(trainer, batch.getData());
        NDArray invalid = perSampleLoss.countInvalidLabels(labels, predictions);
        NDArray losses = invalid == null ? perSampleLoss.compute(labels, predictions)
                : perSampleLoss.computeUnchecked(labels, predictions);
        NDList figures = new NDList(losses.sum().toType(DataType.FLOAT32, false),
                Validation.count(Validation.correct(predictions.head(), labels)));
        if (invalid != null) {
            figures.add(Validation.figure(invalid, losses.getDevice()));
        }
        return new Scores(predictions, losses, null, NDArrays.stack(figures));
    }

    /** The scoring forward, on images pooled by {@code ast.scoreDownsample} when it is above 1. */
    private NDList forward(Trainer trainer, NDList data) {
        return evaluateAcrossDevices(trainer, pooled(data));
    }

    private NDList pooled(NDList data) {
        if (pass.downsample() == 1) {
            return data;
        }
        NDList pooled = new NDList(pass.pooled(data.head()));
        data.stream().skip(1).forEach(pooled::add);
        return pooled;
    }

    /**
     * Checks, on a run's first batch and before anything trains, that the model accepts the scoring forward's
     * pooled images, with a forward of one row; nothing to check at full resolution.
     *
     * @param trainer the DJL trainer
     * @param data the first batch's inputs
     * @throws ConfigurationException naming {@code ast.scoreDownsample} if the input is not images or the model
     *     rejects the pooled ones
     */
    void requireScorableInput(Trainer trainer, NDList data) {
        if (pass.downsample() == 1) {
            return;
        }
        pass.requireImages(data.head().getShape());
        NDList row = new NDList();
        data.forEach(array -> row.add(array.get("0:1")));
        NDList pooled = pooled(row);
        try {
            trainer.evaluate(pooled).head().toFloatArray();
        } catch (RuntimeException e) {
            throw new ConfigurationException("ast.scoreDownsample=" + pass.downsample() + ": the model rejected the "
                    + "scoring forward's images of shape " + pooled.head().getShape() + " (pooled from "
                    + row.head().getShape() + "); only a model that accepts smaller images, with global pooling "
                    + "before its classifier, can score at reduced resolution. Use ast.scoreDownsample=1 with this "
                    + "model. Engine: " + e.getMessage(), e);
        }
    }

    /**
     * Throws, naming the labels, when a scoring pass's statistics counted invalid ones: before the batch trains.
     *
     * @param scores the batch's fresh scores
     * @param read their statistics, read
     * @param labels the batch's labels
     */
    void requireValidLabels(Scores scores, float[] read, NDList labels) {
        if (read.length > 2) {
            Validation.requireValidLabels(read[2], perSampleLoss, List.of(labels), List.of(scores.outputs()));
        }
    }

    /**
     * The gradient-free forward of the whole logical batch: with several devices each scores a balanced share and
     * the outputs are gathered on the first, so scoring, gating and the controller see the whole batch.
     */
    static NDList evaluateAcrossDevices(Trainer trainer, NDList data) {
        Device[] devices = trainer.getDevices();
        if (devices.length == 1) {
            return trainer.evaluate(data);
        }
        List<long[]> ranges = Shares.balanced(data.head().getShape().get(0), devices.length);
        List<NDList> outputs = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            String slice = ranges.get(i)[0] + ":" + ranges.get(i)[1];
            NDList share = new NDList();
            data.forEach(array -> share.add(array.get(slice)));
            outputs.add(trainer.evaluate(WeightedStep.toDevice(share, devices[i])));
        }
        return WeightedStep.gather(outputs, devices[0]);
    }
}
