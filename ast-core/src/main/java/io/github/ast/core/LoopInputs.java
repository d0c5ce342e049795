package io.github.ast.core;

import io.github.ast.djl.sampling.SampleWeights;
import io.github.ast.djl.schedule.TrainingClock;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the loop takes from the services supplied in code: the clock batch times are measured on (a training clock,
 * which pauses for evaluations, or the machine's), the training set's sampler's weights, and held-out rows.
 *
 * @param nanos the time batches are measured on, for {@code SelectionPolicy.LearnsFromSteps#batchTime}
 * @param sampled the sampler's weights, or null when it gives none
 * @param heldOut rows a policy measuring its progress is judged on, or null
 */
record LoopInputs(LongSupplier nanos, SamplerWeights sampled, HeldOutSet heldOut) {

    static LoopInputs from(Map<Class<?>, Object> services) {
        return new LoopInputs(services.get(TrainingClock.class) instanceof TrainingClock clock ? clock::nanos
                : System::nanoTime, services.get(SampleWeights.class) instanceof SampleWeights sampler
                        ? new SamplerWeights(sampler) : null,
                services.get(HeldOutSet.class) instanceof HeldOutSet rows ? rows : null);
    }
}
