/**
 * Checkpoints for any DJL training loop: a {@link io.github.ast.djl.checkpoint.CheckpointDirectory} writes a block's
 * parameters, named {@code NDList}s (an optimiser's state, for one) and a small
 * {@link io.github.ast.djl.checkpoint.CheckpointState} atomically (fsync, then rename), with SHA-256 checksums
 * verified on resume, keeps the newest few of its run, and checks before training that it can write at all. A crash
 * at any point leaves the previous checkpoint usable; damage is an error naming the file, never a silent step back.
 *
 * <pre>{@code
 * record LoopState(long epoch, long batch, String runId) implements CheckpointState {
 *     public CheckpointPosition position() { return new CheckpointPosition(epoch, batch); }
 * }
 * CheckpointDirectory<LoopState> checkpoints = new CheckpointDirectory<>(dir, 3, LoopState.class);
 * checkpoints.requireWritable();                        // before training
 * Optional<Path> latest = checkpoints.latest();         // resume: verified, or empty
 * if (latest.isPresent()) {
 *     LoopState state = CheckpointFiles.readState(latest.get(), LoopState.class);   // keep its runId
 *     // in place; on MXNet before model.newTrainer, whose KVStore keeps its own copy of the weights
 *     CheckpointFiles.copyInto(block, CheckpointFiles.readParameters(latest.get(), block, scratch));
 *     adam.importState(block.getParameters(), CheckpointFiles.load(latest.get(), "adam", scratch).orElseThrow());
 * }
 * checkpoints.save(new LoopState(epoch, CheckpointPosition.END, runId), block,   // after an epoch
 *         Map.of("adam", adam.exportState(block.getParameters(), scratch)));
 * }</pre>
 */
package io.github.ast.djl.checkpoint;
