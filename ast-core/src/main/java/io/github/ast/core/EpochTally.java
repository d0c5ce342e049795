package io.github.ast.core;

import io.github.ast.api.BatchEnergy;
import io.github.ast.api.PreparationWork;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running sums of an epoch in progress, from which its {@link EpochStats} are made at the end. Kept as one
 * object so that a checkpoint written in the middle of an epoch can carry them and a resumed run ends the epoch with
 * the same figures as an uninterrupted one.
 */
final class EpochTally {

    /** Batches seen so far in the epoch, skipped ones included: the batch position a checkpoint resumes from. */
    int batches;
    /** Batches that had a scoring pass. */
    int scoredBatches;
    long scored;
    long evaluated;
    long trained;
    long gateActive;
    long correct;
    double lossSum;
    int fallbacks;
    int skipped;
    long forwarded;
    long backPropagated;
    double maxWeight = 1;
    Map<String, BatchEnergy> energies = new LinkedHashMap<>();
    /** The policy's preparation, counted in this epoch (its energy is priced at the epoch's end); null for none. */
    PreparationWork preparation;
    /** Training-loop seconds and metered joules of the epoch's batches run before the current process. */
    double earlierSeconds;
    double earlierJoules;
    /** Plain steps' figures not read yet when a checkpoint was written: restored on the engine as they were. */
    PlainStep.Pending unread;

    /**
     * Counts a policy's preparation in this epoch: its rows, seconds and metered joules; its estimated energy is
     * priced when the epoch ends, once the energy models know the network.
     */
    void addPreparation(PreparationWork work, double joules) {
        if (work.equals(PreparationWork.NONE)) {
            return;
        }
        preparation = work;
        forwarded += work.forwarded();
        backPropagated += work.backPropagated();
        earlierSeconds += work.seconds();
        earlierJoules += joules;
    }

    /**
     * Adds a flush's result (pooled rows trained at the epoch's end): its rows and statistics, not a batch.
     */
    void addFlush(BatchResult result) {
        forwarded += result.forwarded();
        backPropagated += result.backPropagated();
        evaluated += result.evaluated();
        correct += result.correct();
        lossSum += result.lossSum();
    }

    /** Adds one batch's result. */
    void add(BatchResult result) {
        batches++;
        forwarded += result.forwarded();
        backPropagated += result.backPropagated();
        if (result.skipped()) {
            skipped++;
            return;
        }
        scored += result.batchSize();
        evaluated += result.evaluated();
        trained += result.trained();
        gateActive += result.gateActive();
        correct += result.correct();
        lossSum += result.lossSum();
        fallbacks += result.fallback() ? 1 : 0;
        scoredBatches += result.scored() ? 1 : 0;
        maxWeight = Math.max(maxWeight, result.maxWeight());
        energies = EnergyAccount.sum(energies, result.energies());
    }

    /**
     * What is known of an epoch when it ends, besides its batches.
     *
     * @param epoch 1-based epoch number
     * @param epochs total epochs of the run
     * @param phase warm-up, sparse or anneal
     * @param targetRate the target the controller held
     * @param threshold the policy's threshold at the end
     * @param validation validation loss, accuracy and rows left out; NaN, NaN, 0 without validation
     * @param trainSeconds the epoch's training seconds
     * @param trainJoules the epoch's metered joules, NaN without a meter
     * @param validationSeconds seconds of validation
     */
    record Ending(int epoch, int epochs, SelectionConfig.Phase phase, double targetRate, double threshold,
            double[] validation, double trainSeconds, double trainJoules, double validationSeconds, String modes) {}

    /** {@return the epoch's figures} with its preparation's energy priced now that the models know the network */
    EpochStats stats(Ending end, EnergyAccount energy) {
        return new EpochStats(end.epoch(), end.epochs(), end.phase(), Validation.ratio(lossSum, evaluated),
                Validation.ratio(correct, evaluated), end.validation()[0], end.validation()[1],
                Validation.ratio(trained, scored), Validation.ratio(gateActive, scored), end.targetRate(),
                end.threshold(), preparation == null ? energies
                        : EnergyAccount.sum(energies, energy.pricePreparation(preparation)), end.trainJoules(),
                batches, fallbacks, skipped, end.trainSeconds(), end.validationSeconds(), scored, forwarded,
                backPropagated, maxWeight, scoredBatches, (long) end.validation()[2], end.modes());
    }

    /**
     * Returns a copy for a checkpoint, with the seconds and joules the epoch has taken so far.
     *
     * @param seconds training-loop seconds of the batches tallied
     * @param joules metered joules of the batches tallied
     * @param pending the plain steps' figures not read yet, or null
     * @return the copy
     */
    EpochTally snapshot(double seconds, double joules, PlainStep.Pending pending) {
        EpochTally copy = new EpochTally();
        copy.batches = batches;
        copy.scoredBatches = scoredBatches;
        copy.scored = scored;
        copy.evaluated = evaluated;
        copy.trained = trained;
        copy.gateActive = gateActive;
        copy.correct = correct;
        copy.lossSum = lossSum;
        copy.fallbacks = fallbacks;
        copy.skipped = skipped;
        copy.forwarded = forwarded;
        copy.backPropagated = backPropagated;
        copy.maxWeight = maxWeight;
        copy.preparation = preparation;
        copy.energies = new LinkedHashMap<>(energies);
        copy.earlierSeconds = seconds;
        copy.earlierJoules = joules;
        copy.unread = pending;
        return copy;
    }
}
