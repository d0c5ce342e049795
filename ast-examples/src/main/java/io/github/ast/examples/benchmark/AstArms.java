package io.github.ast.examples.benchmark;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import io.github.ast.api.TrainingProgress;
import io.github.ast.core.AdaptiveSparseTrainer;
import io.github.ast.core.AdaptiveSparseTraining;
import io.github.ast.core.AstConfig;
import io.github.ast.core.AstConfigBuilder;
import io.github.ast.core.HeldOutSet;
import io.github.ast.core.SelectionConfig;
import io.github.ast.djl.sampling.InfoBatchSampler;
import io.github.ast.djl.sampling.SampleWeights;
import io.github.ast.djl.schedule.TrainingClock;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import io.github.ast.selection.reference.IrreducibleLosses;
import io.github.ast.selection.reference.ReferenceTraining;
import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * The AST trainer of an arm trained through AST's {@code fit}: its own configuration, or for the controls the
 * sampler's choice trained whole ({@code all}: RS2, InfoBatch with its weights) or a uniform share of each batch
 * ({@code uniform}). Randomness runs on from the seed ({@code ast.reseedEvery=0}), as the benchmark's runs always have.
 *
 * @param setup what every run shares
 * @param data the splits
 */
record AstArms(ArmRunner.Setup setup, BenchmarkData data) {

    /**
     * Wires an arm's trainer.
     *
     * @param arm the arm
     * @param seed the run's seed
     * @param infoBatch the arm's InfoBatch sampler (plain or class-aware), or null
     * @param clock the run's clock
     * @param beforehand irreducible losses computed before the clock started, or null
     * @return the trainer
     */
    AdaptiveSparseTrainer trainer(Arm arm, long seed, InfoBatchSampler infoBatch, TrainingClock clock,
            IrreducibleLosses beforehand) {
        AstConfigBuilder base = setup.astConfig().toBuilder().engine(setup.engine()).seed(seed).reseedEvery(0);
        AstConfigBuilder builder = switch (arm.kind()) {
            case RS2, INFOBATCH, CLASS_PRUNE -> base.policy("all");
            case RANDOM_BATCH -> base.policy("uniform").targetRate(arm.rate());
            case AST -> arm.configure().apply(base);
            default -> throw new IllegalArgumentException("arm " + arm.label() + " trains with plain DJL");
        };
        AstConfig asked = builder.build();
        // Pooled arms train steps of the benchmark's batch size.
        AstConfig config = asked.steps().backwardBatch() > 0 ? builder.backwardBatch(setup.batchSize()).build()
                : asked;
        requireBatchLevel(arm, config);
        // auto's progress: the share of the budget trained; its held-out rows: the first of the validation split,
        // which no arm trains on.
        AdaptiveSparseTraining.Builder wiring = AdaptiveSparseTraining.builder(config)
                .service(TrainingProgress.class, () -> Math.min(1, clock.seconds() / setup.budgetSeconds()))
                .service(TrainingClock.class, clock)
                .service(HeldOutSet.class, new HeldOutSet(data.validation().dataset(setup.batchSize(), false, 0)));
        if (beforehand != null) {
            wiring.service(IrreducibleLosses.class, beforehand);
        } else {
            wiring.service(ReferenceTraining.class, reference(arm, seed));
        }
        if (infoBatch != null) {
            wiring.sampleWeights(arm.randomScores() ? new RandomScores(infoBatch, seed) : infoBatch);
        }
        return wiring.build();
    }

    /**
     * RHO-LOSS's reference recipe: the arm's own network, 2 epochs (or the arm's {@code ast.policy.referenceEpochs})
     * on each of two disjoint 10% of the training set, or on the clean holdout for the arms that ask for it.
     *
     * @param arm the arm
     * @param seed the run's seed
     * @return the recipe
     */
    ReferenceTraining reference(Arm arm, long seed) {
        ReferenceTraining.Builder recipe = ReferenceTraining.builder(() -> Models.byName(setup.model(),
                FashionMnist.CLASSES), new Shape(1, 1, 28, 28)).seed(Seeds.derive(seed, Seeds.DATA_ORDER));
        if (arm.reference() != Arm.Reference.TRAINING_SET) {
            recipe.cleanSet(data.holdout().dataset(setup.batchSize(), false, 0))
                    .epochs(ArmCatalogue.CLEAN_REFERENCE_EPOCHS);
        }
        return recipe.build();
    }

    /**
     * Builds RHO-LOSS's table before a run's clock starts, for {@link Arm.Reference#CLEAN_HOLDOUT_BEFOREHAND}.
     *
     * @param arm the arm
     * @param seed the run's seed
     * @param train the training set
     * @return the table, its cost inside
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    IrreducibleLosses beforehand(Arm arm, long seed, RandomAccessDataset train) throws IOException,
            TranslateException {
        return reference(arm, seed).build(train, setup.engine());
    }

    /** InfoBatch's ablation: its sampler records uniform random numbers instead of the trained rows' losses. */
    private record RandomScores(InfoBatchSampler sampler, Random random) implements SampleWeights {

        RandomScores(InfoBatchSampler sampler, long seed) {
            this(sampler, new Random(seed));
        }

        @Override
        public float[] weights(List<?> indices) {
            return sampler.weights(indices);
        }

        @Override
        public int record(List<?> indices, float[] losses) {
            float[] noise = new float[losses.length];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = random.nextFloat();
            }
            return sampler.record(indices, noise);
        }
    }

    /**
     * The benchmark's runs end on a clock, not after a number of epochs ({@code fit} runs for as many as the budget
     * allows); settings that count epochs to the end could not take effect as configured, so they are refused.
     */
    private static void requireBatchLevel(Arm arm, AstConfig config) {
        SelectionConfig selection = config.selection();
        if (selection.warmupEpochs() != 0 || selection.annealEpochs() != 0
                || !Double.isNaN(selection.targetStart())) {
            throw new IllegalArgumentException("arm " + arm.label() + ": ast.warmupEpochs, ast.annealEpochs and "
                    + "ast.targetStart count epochs, but the benchmark's runs end when their clock reaches the budget, "
                    + "after however many epochs fit in it; got warmupEpochs="
                    + selection.warmupEpochs() + ", annealEpochs=" + selection.annealEpochs() + ", targetStart="
                    + selection.targetStart());
        }
    }
}
