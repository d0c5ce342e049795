package io.github.ast.djl.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint directory on its own, as any DJL loop uses it: what a save writes and a resume reads back, a crash
 * between any two steps of a write, retention, and the damaged or misdirected checkpoints a resume must refuse.
 */
class CheckpointDirectoryTest {

    private static final String ENGINE = "PyTorch";
    private static final String RUN = "run-a";

    /** What a loop might record: where it is, which run it is, and a figure. */
    record LoopState(long epoch, long batch, String runId, double loss) implements CheckpointState {
        @Override
        public CheckpointPosition position() {
            return new CheckpointPosition(epoch, batch);
        }
    }

    private Model model;

    @BeforeEach
    void model() {
        model = model(4);
    }

    @AfterEach
    void close() {
        model.close();
    }

    private static Model model(int units) {
        Model model = Model.newInstance("m", Device.cpu(), ENGINE);
        Block block = Linear.builder().setUnits(units).build();
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
        return model;
    }

    private static LoopState endOf(long epoch) {
        return new LoopState(epoch, CheckpointPosition.END, RUN, 1.0 / epoch);
    }

    private static CheckpointDirectory<LoopState> store(Path dir, int keep) {
        return new CheckpointDirectory<>(dir, keep, LoopState.class);
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSavedCheckpointReadsBackWithItsStateParametersAndArrays(@TempDir Path dir) throws Exception {
        Block block = model.getBlock();
        NDManager m = model.getNDManager();
        store(dir, 3).save(endOf(1), block, Map.of("optimizer", new NDList(m.create(new float[] {1, 2}))));
        Path checkpoint = store(dir, 3).latest().orElseThrow();
        assertThat(checkpoint).isEqualTo(dir.resolve("epoch-0001"));
        assertThat(children(checkpoint)).containsExactly(CheckpointChecksums.FILE, "model.params", "optimizer.ndlist",
                "state.json");
        assertThat(CheckpointFiles.readState(checkpoint, LoopState.class)).isEqualTo(endOf(1));
        assertThat(CheckpointFiles.load(checkpoint, "optimizer", m).orElseThrow().head().toFloatArray())
                .containsExactly(1, 2);
        assertThat(CheckpointFiles.load(checkpoint, "policy", m)).isEmpty();

        try (Model other = model(4); NDManager scratch = m.newSubManager()) {
            NDList saved = CheckpointFiles.readParameters(checkpoint, other.getBlock(), scratch);
            assertThat(CheckpointFiles.holds(block, saved)).isTrue();
            assertThat(CheckpointFiles.holds(other.getBlock(), saved)).isFalse();
            CheckpointFiles.copyInto(other.getBlock(), saved);
            assertThat(CheckpointFiles.holds(other.getBlock(), saved)).isTrue();
        }
        try (Model wider = model(5); NDManager scratch = m.newSubManager()) {
            assertThatThrownBy(() -> CheckpointFiles.readParameters(checkpoint, wider.getBlock(), scratch))
                    .isInstanceOf(IOException.class).hasMessageContaining("in the checkpoint but (5, 3) in this model");
        }
        assertThatThrownBy(() -> store(dir, 3).save(endOf(2), block, Map.of("../escape", new NDList())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'../escape'");
        assertThat(children(dir)).containsExactly("epoch-0001", "latest");
    }

    @Test
    void positionsNameAndOrderCheckpoints(@TempDir Path dir) throws Exception {
        assertThat(CheckpointPosition.endOf(3).name()).isEqualTo("epoch-0003");
        assertThat(CheckpointPosition.within(3, 40).name()).isEqualTo("epoch-0003-batch-000040");
        assertThat(CheckpointPosition.parse("epoch-0003-batch-000040")).contains(CheckpointPosition.within(3, 40));
        assertThat(CheckpointPosition.parse("epoch-0003")).contains(CheckpointPosition.endOf(3));
        assertThat(CheckpointPosition.parse("epoch-3a")).isEmpty();
        for (String name : List.of("epoch-0004-batch-000001", "epoch-0003", "epoch-0003-batch-000040", "epoch-12345",
                "epoch-0003-batch-000100", "notes")) {
            Files.createDirectories(dir.resolve(name));
        }
        assertThat(store(dir, 3).checkpoints().stream().map(p -> p.getFileName().toString())).containsExactly(
                "epoch-0003-batch-000040", "epoch-0003-batch-000100", "epoch-0003", "epoch-0004-batch-000001",
                "epoch-12345");
    }

    /**
     * A crash after any step of a write leaves {@code latest} naming a complete checkpoint that verifies: the
     * previous one until the new one is published, the new one after; the next write removes what the crash left.
     */
    @Test
    void aCrashAfterAnyStepLeavesTheLatestCheckpointComplete(@TempDir Path root) throws Exception {
        for (String step : CheckpointDirectory.Steps.ORDER) {
            Path dir = root.resolve(step.replace(' ', '-'));
            store(dir, 1).save(endOf(1), model.getBlock(), Map.of());
            CheckpointDirectory<LoopState> crashing = new CheckpointDirectory<>(dir, 1, LoopState.class, done -> {
                if (done.equals(step)) {
                    throw new IOException("simulated crash after: " + step);
                }
            }, CheckpointDirectory.Deletion.RECURSIVE);
            assertThatThrownBy(() -> crashing.save(endOf(2), model.getBlock(), Map.of()))
                    .hasMessage("simulated crash after: " + step);
            boolean published = CheckpointDirectory.Steps.ORDER.indexOf(step)
                    >= CheckpointDirectory.Steps.ORDER.indexOf("published");
            Path latest = store(dir, 1).latest().orElseThrow();
            assertThat(latest.getFileName().toString()).as("after a crash at '%s'", step)
                    .isEqualTo(published ? "epoch-0002" : "epoch-0001");
            assertThat(CheckpointFiles.readState(latest, LoopState.class)).isEqualTo(endOf(published ? 2 : 1));

            store(dir, 1).save(endOf(3), model.getBlock(), Map.of());
            assertThat(children(dir)).as("after a crash at '%s'", step).containsExactly("epoch-0003", "latest");
        }
    }

    @Test
    void retentionIsBestEffortAndDeletesOnlyThisRunsCheckpoints(@TempDir Path dir) throws Exception {
        Block block = model.getBlock();
        CheckpointDirectory<LoopState> working = store(dir, 1);
        working.save(endOf(1), block, Map.of());
        // Another run's checkpoint among ours, ordered before them: retention must leave it alone.
        store(dir, 1).save(new LoopState(0, 1, "another-run", 0), block, Map.of());
        List<Path> failedDeletions = new ArrayList<>();
        CheckpointDirectory<LoopState> failing = new CheckpointDirectory<>(dir, 1, LoopState.class, step -> {},
                path -> {
                    failedDeletions.add(path);
                    throw new IOException("simulated: permission denied");
                });
        failing.save(endOf(2), block, Map.of()); // must not throw
        assertThat(failedDeletions).containsExactly(dir.resolve(".deleting-" + RUN + "-epoch-0001"));
        assertThat(failing.latest()).contains(dir.resolve("epoch-0002"));
        // The next write retries what this run could not delete.
        working.save(endOf(3), block, Map.of());
        assertThat(children(dir)).containsExactly("epoch-0000-batch-000001", "epoch-0003", "latest");

        // Nor is another run's checkpoint of the same name overwritten.
        Path state = dir.resolve("epoch-0003/state.json");
        Files.writeString(state, Files.readString(state).replace(RUN, "another-run"));
        assertThatThrownBy(() -> working.save(endOf(3), block, Map.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("was not written by this run");
        assertThat(children(dir)).containsExactly("epoch-0000-batch-000001", "epoch-0003", "latest");
    }

    /**
     * A checkpoint that records neither a run id nor checksums (as an earlier version wrote them) resumes with a
     * warning that it is not verified, and counts as the run's own only when the run continues it.
     */
    @Test
    void aCheckpointWithoutRunIdOrChecksumsIsReadUnverifiedAndOwnedOnlyWhenContinued(@TempDir Path dir)
            throws Exception {
        store(dir, 1).save(endOf(1), model.getBlock(), Map.of());
        Path checkpoint = dir.resolve("epoch-0001");
        Files.delete(checkpoint.resolve(CheckpointChecksums.FILE));
        Path state = checkpoint.resolve("state.json");
        Files.writeString(state, Files.readString(state).replaceAll(",\\s*\"runId\": \"[^\"]*\"", ""));
        assertThat(CheckpointFiles.readState(checkpoint, LoopState.class).runId()).isNull();
        assertThat(store(dir, 1).latest()).contains(checkpoint);

        store(dir, 1).save(endOf(2), model.getBlock(), Map.of());
        assertThat(children(dir)).containsExactly("epoch-0001", "epoch-0002", "latest");
        CheckpointDirectory<LoopState> continuing = store(dir, 1);
        continuing.ownUnmarked();
        continuing.save(endOf(3), model.getBlock(), Map.of());
        assertThat(children(dir)).containsExactly("epoch-0003", "latest");
    }

    /** A {@code latest} pointer whose name is a link, inside the directory, to a checkpoint elsewhere. */
    @Test
    void aPointerThroughALinkToAnotherDirectoryIsNotFollowed(@TempDir Path dir) throws Exception {
        Path outside = dir.resolve("outside");
        store(outside, 1).save(endOf(1), model.getBlock(), Map.of());
        Path checkpoints = Files.createDirectories(dir.resolve("run"));
        Files.createSymbolicLink(checkpoints.resolve("epoch-0001"), outside.resolve("epoch-0001"));
        Files.writeString(checkpoints.resolve("latest"), "epoch-0001");
        assertThatThrownBy(() -> store(checkpoints, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining("names 'epoch-0001', a link to " + outside.resolve("epoch-0001").toRealPath()
                        + ", outside " + checkpoints + ": refusing to follow it");
        // Without the pointer the link is not taken for a checkpoint either.
        Files.delete(checkpoints.resolve("latest"));
        assertThat(store(checkpoints, 3).checkpoints()).isEmpty();
        assertThat(store(checkpoints, 3).hasCheckpoints()).isFalse();
    }

    /**
     * A damaged newest checkpoint is an error with or without {@code latest}, listing the older ones that verify;
     * before, without the pointer the run stepped back to an older checkpoint with only a warning.
     */
    @Test
    void aDamagedNewestCheckpointIsAnErrorWithOrWithoutThePointer(@TempDir Path dir) throws Exception {
        store(dir, 3).save(endOf(1), model.getBlock(), Map.of());
        store(dir, 3).save(endOf(2), model.getBlock(), Map.of());
        Path parameters = dir.resolve("epoch-0002/model.params");
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(parameters, bytes);
        for (boolean pointer : new boolean[] {true, false}) {
            if (!pointer) {
                Files.delete(dir.resolve("latest"));
            }
            assertThatThrownBy(() -> store(dir, 3).latest()).as("with latest: %s", pointer)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(parameters + " fails its checksum")
                    .hasMessageContaining("older checkpoints that verify: [epoch-0001] (to resume from one, write "
                            + "its name into " + dir.resolve("latest") + ")");
        }
    }

    /** A file where the directory should be: the probe fails before anything is trained, naming the directory. */
    @Test
    void aDirectoryThatCannotBeCreatedFailsTheProbe(@TempDir Path dir) throws Exception {
        Path inTheWay = Files.writeString(dir.resolve("checkpoints"), "a file");
        assertThatThrownBy(() -> store(inTheWay, 3).requireWritable()).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint directory " + inTheWay + " is not writable");
        store(dir.resolve("fresh"), 3).requireWritable();
        assertThat(children(dir.resolve("fresh"))).isEmpty();
    }
}
