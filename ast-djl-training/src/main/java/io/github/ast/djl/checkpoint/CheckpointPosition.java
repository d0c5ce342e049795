package io.github.ast.djl.checkpoint;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in training a checkpoint was written, which is also its directory's name: {@code epoch-0003} after the last
 * batch of epoch 3, {@code epoch-0003-batch-000040} after batch 40 of it. Positions order checkpoints by epoch, then
 * batch, an epoch's end after its batches, so the newest checkpoint is the greatest whatever the files' times say.
 *
 * @param epoch the epoch, >= 0
 * @param batch the batches of the epoch trained, >= 0, or {@link #END} after all of them
 */
public record CheckpointPosition(long epoch, long batch) implements Comparable<CheckpointPosition> {

    /** The {@link #batch} of a checkpoint written at its epoch's end. */
    public static final long END = Long.MAX_VALUE;

    private static final Pattern NAME = Pattern.compile("epoch-(\\d{1,18})(?:-batch-(\\d{1,18}))?");

    /**
     * Validates the values.
     *
     * @param epoch the epoch, >= 0
     * @param batch the batches of the epoch trained, >= 0, or {@link #END}
     */
    public CheckpointPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("checkpoint position epoch " + epoch + ", batch " + batch
                    + ": both must be >= 0");
        }
    }

    /**
     * Returns the position after an epoch's last batch.
     *
     * @param epoch the epoch completed
     * @return the position
     */
    public static CheckpointPosition endOf(long epoch) {
        return new CheckpointPosition(epoch, END);
    }

    /**
     * Returns a position within an epoch.
     *
     * @param epoch the epoch in progress
     * @param batch the batches of it trained
     * @return the position
     */
    public static CheckpointPosition within(long epoch, long batch) {
        return new CheckpointPosition(epoch, batch);
    }

    /**
     * Reads a checkpoint directory's name.
     *
     * @param name a file name
     * @return its position, or empty if it is not a checkpoint's name
     */
    public static Optional<CheckpointPosition> parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CheckpointPosition(Long.parseLong(m.group(1)),
                m.group(2) == null ? END : Long.parseLong(m.group(2))));
    }

    /**
     * Returns the checkpoint directory's name.
     *
     * @return {@code epoch-NNNN} at an epoch's end, else {@code epoch-NNNN-batch-NNNNNN}
     */
    public String name() {
        return batch == END ? String.format("epoch-%04d", epoch) : String.format("epoch-%04d-batch-%06d", epoch, batch);
    }

    @Override
    public int compareTo(CheckpointPosition other) {
        int byEpoch = Long.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(batch, other.batch);
    }
}
