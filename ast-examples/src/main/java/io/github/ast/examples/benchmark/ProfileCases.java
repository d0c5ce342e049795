package io.github.ast.examples.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import io.github.ast.api.PerSampleLoss;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.PhaseTimes;
import io.github.ast.core.PhaseTimes.Phase;
import io.github.ast.core.ScoringPass;
import io.github.ast.core.SelectionConfig;
import io.github.ast.examples.Models;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The profile's cases, each a loop that trains a batch with its phases marked: plain DJL, the scoring pass alone, a
 * small random step, and AST's loops at 100% and 10% (per batch, pooled, from free scores, and with the cheaper
 * scoring passes). The plain loops repeat what {@code EasyTrain} does step by step, so that their phases can be
 * timed like AST's.
 */
final class ProfileCases {

    private ProfileCases() {}

    /** The selected rate of the sparse cases. */
    static final double RATE = 0.1;

    /** One loop to profile: how a batch trains; its phases go to the recorder it was built with. */
    interface Loop {
        /** Trains the batch. */
        void train(Trainer trainer, Batch batch);

        /** Starts an epoch (AST's loops: its history, on the first). */
        default void startEpoch(Trainer trainer, ArrayDataset dataset, int epoch) throws IOException,
                TranslateException {}

        /** Ends an epoch (AST's pooled loops train what is queued). */
        default void finishEpoch(Trainer trainer) {}
    }

    /** A case: its name, what it is, and how to build its loop, reporting to a recorder, on a fresh trainer. */
    record Case(String name, String description, BiFunction<String, PhaseTimes, Loop> loop) {}

    /**
     * The cases in the order they run and are reported.
     *
     * @param batch the batch size, for the pooled loops' steps and the random step's rows
     * @param cheaperScoring whether to add the cheaper scoring passes
     * @param model the network, which decides whether downsampled scoring can be profiled
     * @return the cases
     */
    static List<Case> cases(int batch, boolean cheaperScoring, String model) {
        PerSampleLoss loss = PerSampleLoss.softmaxCrossEntropy();
        int kept = keptRows(batch);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("plain", "plain DJL: EasyTrain.trainBatch + trainer.step on every row", (engine, times) ->
                (trainer, b) -> plainStep(trainer, b, times)));
        cases.add(new Case("scoring", "the scoring pass alone: gradient-free forward, per-sample loss, one read",
                (engine, times) -> (trainer, b) -> scoringPass(trainer, b.getData(), b.getLabels(), loss, times)));
        cases.add(new Case("random-10", "plain step on " + kept + " uniformly random rows of each batch "
                + "(random-batch@0.1)", (engine, times) -> (trainer, b) -> smallStep(trainer, b, kept, times)));
        cases.add(ast("ast-100", "AST at a 100% target (the benchmark's ast-100): nothing can be skipped, so batches "
                + "train directly, unscored", b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)));
        cases.add(ast("scored-100", "AST's scoring loop at 100% (ast.policy.scoreAtFullTarget=true): scoring pass, "
                + "gate passing every row, step on all", b -> b.gate("threshold").targetRate(1.0).initialThreshold(0)
                        .setting("policy.scoreAtFullTarget", "true")));
        cases.add(ast("auto-off", "auto with every candidate disabled (ast.policy.candidates=none): full-data "
                + "training through AST's step", b -> b.policy("auto").setting("policy.candidates", "none")));
        cases.add(ast("auto-floor", "auto between its trials: every row, the training forward's losses recorded for "
                + "its pruning candidates", b -> b.policy("auto").backwardBatch(batch)));
        cases.add(ast("ast-10", "the published system at 10%, per-batch steps", b -> b));
        cases.add(ast("ast-10-pooled", "the published system at 10%, selected rows pooled into steps of " + batch
                + " rows", b -> b.backwardBatch(batch)));
        cases.add(ast("free-10-pooled", "free scores at 10%: the gate on each sample's last training loss (no "
                + "scoring pass), pooled into steps of " + batch + " rows", b -> b.backwardBatch(batch)
                        .selection(new SelectionConfig(SelectionConfig.Mode.HISTORY, 0, false, 0, 0))));
        if (cheaperScoring) {
            for (int every : EVERY) {
                cases.add(ast("ast-10-every" + every, "the published system at 10%, per-batch steps, a scoring forward "
                        + "on one batch in " + every + " (ast.scoreEvery=" + every + "), the history's losses in "
                        + "between", b -> b.scoring(new ScoringPass(every, 1))));
            }
            if (Models.acceptsSmallerImages(model)) {
                cases.add(new Case("scoring-down2", "the scoring pass alone on images average-pooled by 2 "
                        + "(ast.scoreDownsample=2)", (engine, times) -> (trainer, b) -> scoringPass(trainer,
                                new NDList(new ScoringPass(1, 2).pooled(b.getData().head())), b.getLabels(), loss,
                                times)));
                cases.add(ast("ast-10-down2", "the published system at 10%, per-batch steps, scoring images pooled by "
                        + "2 (ast.scoreDownsample=2)", b -> b.scoring(new ScoringPass(1, 2))));
            }
        }
        return cases;
    }

    /** The scoring intervals {@code --cheaper-scoring} profiles. */
    static final int[] EVERY = {2, 4};

    /** A gradient-free forward, per-sample losses and one read, with the phases marked. */
    private static void scoringPass(Trainer trainer, NDList data, NDList labels, PerSampleLoss loss,
            PhaseTimes times) {
        NDList outputs = trainer.evaluate(data);
        NDArray losses = loss.compute(labels, outputs);
        times.end(Phase.SCORING_FORWARD, losses);
        losses.sum().toByteBuffer();
        times.end(Phase.SELECTION, (NDArray) null);
    }

    /** The rows a random 10% step keeps of a batch, at least one. */
    static int keptRows(int batch) {
        return (int) Math.max(1, Math.round(RATE * batch));
    }

    private static Case ast(String name, String description, UnaryOperator<AstConfigBuilder> configure) {
        return new Case(name, description, (engine, times) -> {
            AstConfig config = configure.apply(AstConfig.builder().engine(engine).seed(42)).build();
            AdaptiveSparseTrainer ast = AdaptiveSparseTraining.create(config);
            ast.profileWith(times);
            return new Loop() {
                @Override
                public void train(Trainer trainer, Batch batch) {
                    ast.trainBatch(trainer, batch);
                }

                @Override
                public void startEpoch(Trainer trainer, ArrayDataset dataset, int epoch) throws IOException,
                        TranslateException {
                    ast.startEpoch(trainer, dataset, epoch);
                }

                @Override
                public void finishEpoch(Trainer trainer) {
                    ast.finishEpoch(trainer);
                }
            };
        });
    }

    /** EasyTrain.trainBatch and the optimiser step, or, profiled, the same steps with a mark after each. */
    private static void plainStep(Trainer trainer, Batch batch, PhaseTimes times) {
        if (!times.isOn()) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
            return;
        }
        step(trainer, batch, batch.getData(), batch.getLabels(), times);
    }

    /** A step on {@code kept} rows drawn uniformly on the engine, as the benchmark's random-batch arm trains. */
    private static void smallStep(Trainer trainer, Batch batch, int kept, PhaseTimes times) {
        int size = batch.getSize();
        NDArray rows = batch.getManager().randomUniform(0f, 1f, new Shape(size)).argSort()
                .get("0:" + Math.min(kept, size));
        NDList data = new NDList(batch.getData().head().get(new NDIndex("{}", rows)));
        NDList labels = new NDList(batch.getLabels().head().get(new NDIndex("{}", rows)));
        times.end(Phase.GATHER, data.head());
        step(trainer, batch, data, labels, times);
    }

    /** What {@code EasyTrain.trainBatch} and {@code trainer.step()} do, with the phases marked. */
    private static void step(Trainer trainer, Batch batch, NDList data, NDList labels, PhaseTimes times) {
        NDList predictions;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            predictions = trainer.forward(data, labels);
            times.end(Phase.TRAINING_FORWARD, predictions.head());
            NDArray loss = trainer.getLoss().evaluate(labels, predictions);
            times.end(Phase.LOSSES, loss);
            collector.backward(loss);
            times.endBackward(trainer);
        }
        BatchData batchData = new BatchData(batch, Map.of(labels.head().getDevice(), labels),
                Map.of(predictions.head().getDevice(), predictions));
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
        times.end(Phase.LISTENERS, (NDArray) null);
        trainer.step();
        times.endOptimizer(trainer);
    }
}
