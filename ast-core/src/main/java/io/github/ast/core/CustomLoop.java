package io.github.ast.core;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.ConfigurationException;
import io.github.ast.api.PreparationWork;
import io.github.ast.api.SelectionPolicy;
import java.io.IOException;

/**
 * The run of a loop of the user's own ({@link AdaptiveSparseTrainer#trainBatch} outside {@code fit}), opened on its
 * first batch or epoch; a new trainer starts a new run. Randomness stays the loop's own: nothing is reseeded.
 */
final class CustomLoop implements AutoCloseable {

    private final AdaptiveSparseTrainer ast;
    private TrainingRun run;
    private Trainer trainer;

    CustomLoop(AdaptiveSparseTrainer ast) {
        this.ast = ast;
    }

    PreparationWork startEpoch(Trainer on, Dataset trainingSet, int epoch) throws IOException, TranslateException {
        boolean opened = !openOn(on);
        run(on, SampleHistory.sizeFor(ast.config(), ast.policy(), trainingSet))
                .startEpoch(epoch, SelectionConfig.Phase.SPARSE, 0);
        if (ast.policy() instanceof SelectionPolicy.EpochAware aware) {
            aware.startEpoch(epoch, -1);
        }
        return opened && ast.policy() instanceof SelectionPolicy.Prepared prepared ? prepared.prepare(trainingSet)
                : PreparationWork.NONE;
    }

    BatchResult trainBatch(Trainer on, Batch batch) {
        if (!openOn(on) && SampleHistory.keeps(ast.config(), ast.policy())) {
            throw new ConfigurationException(SampleHistory.setting(ast.config(), ast.policy()) + " keeps a score "
                    + "history the size of the training set: call startEpoch(trainer, trainingSet, epoch) before the "
                    + "first trainBatch");
        }
        return run(on, -1).train(on, batch);
    }

    BatchResult finishEpoch(Trainer on) {
        return openOn(on) ? run.finishEpoch(on) : null;
    }

    private boolean openOn(Trainer on) {
        return run != null && trainer == on;
    }

    private TrainingRun run(Trainer on, long historySize) {
        if (!openOn(on)) {
            close();
            run = ast.openPipeline(on, historySize);
            trainer = on;
        }
        return run;
    }

    @Override
    public void close() {
        if (run != null) {
            run.close();
            run = null;
            trainer = null;
        }
    }
}
