package io.github.ast.djl.checkpoint;

/**
 * What a loop records in a checkpoint besides arrays, written as the checkpoint's {@code state.json} with Gson (so a
 * record of strings, numbers, lists and maps of them). A {@link CheckpointDirectory} reads from it where the
 * checkpoint belongs and which run wrote it, and nothing else.
 */
public interface CheckpointState {

    /**
     * Returns where in training this state was taken; it names the checkpoint's directory.
     *
     * @return the position
     */
    CheckpointPosition position();

    /**
     * Returns the id of the run that wrote the checkpoint, kept across the run's resumes: retention deletes only the
     * writing run's own checkpoints, and a checkpoint of another run is never overwritten.
     *
     * @return the run id; null only in a checkpoint written before run ids were recorded, never when saving
     */
    String runId();

    /**
     * Returns whether the state read back holds everything a resume needs: Gson leaves a missing field null, so a
     * truncated or hand-edited file may parse and still lack one.
     *
     * @return false if a required field is missing
     */
    default boolean complete() {
        return true;
    }
}
