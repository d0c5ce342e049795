package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import io.github.ast.api.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints found without their pointer, verified by checksums, and deleted only by their own run and best effort:
 * each test reproduces a defect where a run resumed wrongly, lost checkpoints or stopped, with nothing said.
 */
class CheckpointIntegrityTest {

    private static final String ENGINE = "MXNet";

    /** Trains {@code epochs} epochs of the reliability configuration, checkpointing every epoch into a directory. */
    private static void train(Path dir, int epochs, Checkpointing checkpointing) throws Exception {
        try (NDManager m = Engine.getEngine(ENGINE).newBaseManager();
                Model model = Model.newInstance("c", Device.cpu(), ENGINE);
                Trainer trainer = ReliabilityTest.trainer(model, 7, checkpointing)) {
            AdaptiveSparseTraining.create(ReliabilityTest.config(ENGINE)).fit(trainer, epochs,
                    ReliabilityTest.data(m), null, TrainingObserver.NONE, checkpointing);
        }
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLostPointerNeitherHidesTheCheckpointsNorLetsAFreshRunOverwriteThem(@TempDir Path dir) throws Exception {
        float[] uninterrupted = ReliabilityTest.uninterrupted(ENGINE, ReliabilityTest.config(ENGINE), 3).parameters();
        train(dir, 2, Checkpointing.everyEpoch(dir));
        Files.delete(dir.resolve("latest"));

        Checkpointing afresh = new Checkpointing(dir, 1, 0, 3, false, null);
        assertThatThrownBy(() -> train(dir, 1, afresh)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holds another run's checkpoints [epoch-0001, epoch-0002] and resume is off");
        assertThat(children(dir)).containsExactly("epoch-0001", "epoch-0002");

        // Resuming continues from the newest complete checkpoint and ends like the uninterrupted run.
        assertThat(new CheckpointStore(dir, 3).latest()).contains(dir.resolve("epoch-0002"));
        ReliabilityTest.Run resumed = ReliabilityTest.resumed(ENGINE, 3, Checkpointing.everyEpoch(dir));
        assertThat(resumed.parameters()).containsExactly(uninterrupted);
        assertThat(resumed.report().epochs()).hasSize(3);
    }

    @Test
    void aDamagedOrEditedCheckpointFailsItsChecksumNamingTheFile(@TempDir Path dir) throws Exception {
        train(dir, 1, Checkpointing.everyEpoch(dir));
        Path checkpoint = dir.resolve("epoch-0001");
        CheckpointChecksums.verify(checkpoint);
        byte[] parameters = Files.readAllBytes(checkpoint.resolve("model.params"));
        byte[] flipped = parameters.clone();
        flipped[flipped.length - 3] ^= 0x10;
        Files.write(checkpoint.resolve("model.params"), flipped);
        // Restoring the parameters before the trainer exists reads the checkpoint first (and wraps the IOException).
        assertThatThrownBy(() -> train(dir, 2, Checkpointing.everyEpoch(dir)))
                .hasMessageContaining(checkpoint.resolve("model.params") + " fails its checksum");
        Files.write(checkpoint.resolve("model.params"), parameters);

        Path state = checkpoint.resolve("state.json");
        String text = Files.readString(state);
        Files.writeString(state, text.replace("\"epoch\": 1,", "\"epoch\": 0,"));
        assertThatThrownBy(() -> new CheckpointStore(dir, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining(state + " fails its checksum");
        Files.writeString(state, text);

        Files.writeString(checkpoint.resolve("extra.ndlist"), "x");
        assertThatThrownBy(() -> new CheckpointStore(dir, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining("extra.ndlist is not listed in");
        Files.delete(checkpoint.resolve("extra.ndlist"));

        // Removing the checksums does not turn verification off for a checkpoint this version wrote.
        Files.delete(checkpoint.resolve(CheckpointChecksums.FILE));
        assertThatThrownBy(() -> new CheckpointStore(dir, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining("has no checksums.sha256 although it was written with one");
    }

    /** A checkpoint an earlier version wrote (no run id, no checksums) resumes, and retention then cleans it up. */
    @Test
    void aCheckpointOfAnEarlierVersionResumesAndIsCleanedUp(@TempDir Path dir) throws Exception {
        float[] uninterrupted = ReliabilityTest.uninterrupted(ENGINE, ReliabilityTest.config(ENGINE), 3).parameters();
        train(dir, 1, Checkpointing.everyEpoch(dir));
        Path checkpoint = dir.resolve("epoch-0001");
        Files.delete(checkpoint.resolve(CheckpointChecksums.FILE));
        Path state = checkpoint.resolve("state.json");
        Files.writeString(state, Files.readString(state).replaceAll(",\\s*\"runId\": \"[^\"]*\"", ""));
        assertThat(CheckpointStore.readState(checkpoint).runId()).isNull();

        Checkpointing keepOne = new Checkpointing(dir, 1, 0, 1, true, null);
        assertThat(ReliabilityTest.resumed(ENGINE, 3, keepOne).parameters()).containsExactly(uninterrupted);
        assertThat(children(dir)).containsExactly("epoch-0003", "latest");
    }

    @Test
    void invalidUtf8InAStateWithoutChecksumsIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        train(dir, 1, Checkpointing.everyEpoch(dir));
        Path checkpoint = dir.resolve("epoch-0001");
        Files.delete(checkpoint.resolve(CheckpointChecksums.FILE));
        Files.write(checkpoint.resolve("state.json"), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        assertThatThrownBy(() -> train(dir, 2, Checkpointing.everyEpoch(dir)))
                .hasMessageContaining(checkpoint.resolve("state.json") + " is not valid UTF-8");
    }

    @Test
    void aPointerOutsideTheDirectoryIsNotFollowed(@TempDir Path dir) throws Exception {
        Path outside = dir.resolve("outside");
        train(outside, 1, Checkpointing.everyEpoch(outside));
        Path checkpoints = dir.resolve("run");
        Files.createDirectories(checkpoints);
        Files.writeString(checkpoints.resolve("latest"), "../outside/epoch-0001");
        assertThatThrownBy(() -> train(checkpoints, 1, Checkpointing.everyEpoch(checkpoints)))
                .hasMessageContaining("names '../outside/epoch-0001', not a "
                        + "checkpoint of " + checkpoints);
    }

    @Test
    void retentionIsBestEffortAndDeletesOnlyThisRunsCheckpoints(@TempDir Path dir) throws Exception {
        train(dir, 1, Checkpointing.everyEpoch(dir));
        CheckpointStore.State first = CheckpointStore.readState(dir.resolve("epoch-0001"));
        // Another run's checkpoint among ours, ordered before them: retention must leave it alone.
        Path foreign = dir.resolve("epoch-0000-batch-000001");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("state.json"), Files.readString(dir.resolve("epoch-0001/state.json"))
                .replace(first.runId(), "another-run"), StandardCharsets.UTF_8);
        List<Path> failedDeletions = new ArrayList<>();
        CheckpointStore failing = new CheckpointStore(dir, 1, step -> {}, path -> {
            failedDeletions.add(path);
            throw new IOException("simulated: permission denied");
        });
        CheckpointStore working = new CheckpointStore(dir, 1);
        try (Model model = Model.newInstance("c", Device.cpu(), ENGINE);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            failing.save(at(first, 2), trainer.getModel().getBlock(), Map.of()); // must not throw
            Path renamed = dir.resolve(".deleting-" + first.runId() + "-epoch-0001");
            assertThat(failedDeletions).containsExactly(renamed);
            assertThat(failing.latest()).contains(dir.resolve("epoch-0002"));
            // The next write retries what this run could not delete.
            working.save(at(first, 3), trainer.getModel().getBlock(), Map.of());
            assertThat(children(dir)).containsExactly("epoch-0000-batch-000001", "epoch-0003", "latest");

            // Nor is another run's checkpoint of the same name overwritten.
            Files.writeString(dir.resolve("epoch-0003/state.json"), Files.readString(dir.resolve(
                    "epoch-0003/state.json")).replace(first.runId(), "another-run"));
            assertThatThrownBy(() -> working.save(at(first, 3), trainer.getModel().getBlock(), Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining("was not written by this run");
            assertThat(children(dir)).containsExactly("epoch-0000-batch-000001", "epoch-0003", "latest");
        }
    }

    /**
     * A directory the run cannot write fails before the first batch, naming it; before, the run trained up to its
     * first checkpoint and then died with a bare {@code AccessDeniedException}. Root ignores permission bits, so the
     * directory is made immutable instead where that is allowed.
     */
    @Test
    void anUnwritableDirectoryFailsBeforeTheFirstBatch(@TempDir Path dir) throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean immutable = false;
        try {
            if (Files.isWritable(locked) && canWrite(locked)) {
                immutable = new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0;
            }
            Assumptions.assumeFalse(canWrite(locked), "no way to make a directory unwritable here");
            AtomicInteger batches = new AtomicInteger();
            TrainingObserver counting = new TrainingObserver() {
                @Override
                public void onBatch(int epoch, BatchResult result) {
                    batches.incrementAndGet();
                }
            };
            Path target = locked.resolve("checkpoints");
            try (NDManager m = Engine.getEngine(ENGINE).newBaseManager();
                    Model model = Model.newInstance("c", Device.cpu(), ENGINE);
                    Trainer trainer = ReliabilityTest.trainer(model, 7)) {
                assertThatThrownBy(() -> AdaptiveSparseTraining.create(ReliabilityTest.config(ENGINE)).fit(trainer, 1,
                        ReliabilityTest.data(m), null, counting, Checkpointing.everyEpoch(target)))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("checkpoint directory " + target + " is not writable");
            }
            assertThat(batches).hasValue(0);
        } finally {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
            }
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean canWrite(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A {@code latest} pointer whose name is a link, inside the directory, to a checkpoint elsewhere. */
    @Test
    void aPointerThroughALinkToAnotherDirectoryIsNotFollowed(@TempDir Path dir) throws Exception {
        Path outside = dir.resolve("outside");
        train(outside, 1, Checkpointing.everyEpoch(outside));
        Path checkpoints = Files.createDirectories(dir.resolve("run"));
        Files.createSymbolicLink(checkpoints.resolve("epoch-0001"), outside.resolve("epoch-0001"));
        Files.writeString(checkpoints.resolve("latest"), "epoch-0001");
        assertThatThrownBy(() -> new CheckpointStore(checkpoints, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining("names 'epoch-0001', a link to " + outside.resolve("epoch-0001").toRealPath()
                        + ", outside " + checkpoints + ": refusing to follow it");
        // Without the pointer the link is not taken for a checkpoint either.
        Files.delete(checkpoints.resolve("latest"));
        assertThat(new CheckpointStore(checkpoints, 3).checkpoints()).isEmpty();
    }

    /**
     * A kill while retention deletes an old checkpoint: simulated by a deletion that removes {@code state.json} and
     * stops. Before, a half-deleted {@code epoch-0001} (parameters and checksums, no state) stayed for good; now the
     * checkpoint was renamed out of the way first, and the run's next start removes the leftover.
     */
    @Test
    void aKillDuringRetentionLeavesNoHalfDeletedCheckpoint(@TempDir Path dir) throws Exception {
        train(dir, 1, Checkpointing.everyEpoch(dir));
        CheckpointStore.State first = CheckpointStore.readState(dir.resolve("epoch-0001"));
        CheckpointStore killed = new CheckpointStore(dir, 1, step -> {}, path -> {
            Files.delete(path.resolve("state.json"));
            throw new IOException("simulated: the process was killed here");
        });
        try (Model model = Model.newInstance("c", Device.cpu(), ENGINE);
                Trainer trainer = ReliabilityTest.trainer(model, 7)) {
            killed.save(at(first, 2), trainer.getModel().getBlock(), Map.of());
        }
        String leftover = ".deleting-" + first.runId() + "-epoch-0001";
        assertThat(children(dir)).containsExactly(leftover, "epoch-0002", "latest");

        AtomicInteger leftoversAtFirstBatch = new AtomicInteger(-1);
        TrainingObserver look = new TrainingObserver() {
            @Override
            public void onBatch(int epoch, BatchResult result) {
                if (leftoversAtFirstBatch.get() < 0) {
                    leftoversAtFirstBatch.set(Files.exists(dir.resolve(leftover)) ? 1 : 0);
                }
            }
        };
        Checkpointing checkpointing = Checkpointing.everyEpoch(dir);
        try (NDManager m = Engine.getEngine(ENGINE).newBaseManager();
                Model model = Model.newInstance("r", Device.cpu(), ENGINE);
                Trainer trainer = ReliabilityTest.trainer(model, 99, checkpointing)) {
            AdaptiveSparseTraining.create(ReliabilityTest.config(ENGINE)).fit(trainer, 3, ReliabilityTest.data(m),
                    null, look, checkpointing);
        }
        assertThat(leftoversAtFirstBatch).hasValue(0);
    }

    /**
     * A damaged newest checkpoint is an error with or without {@code latest}, listing the older ones that verify;
     * before, without the pointer the run stepped back to an older checkpoint with only a warning.
     */
    @Test
    void aDamagedNewestCheckpointIsAnErrorWithOrWithoutThePointer(@TempDir Path dir) throws Exception {
        train(dir, 2, Checkpointing.everyEpoch(dir));
        Path parameters = dir.resolve("epoch-0002/model.params");
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(parameters, bytes);
        for (boolean pointer : new boolean[] {true, false}) {
            if (!pointer) {
                Files.delete(dir.resolve("latest"));
            }
            assertThatThrownBy(() -> new CheckpointStore(dir, 3).latest()).as("with latest: %s", pointer)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(parameters + " fails its checksum")
                    .hasMessageContaining("older checkpoints that verify: [epoch-0001] (to resume from one, write "
                            + "its name into " + dir.resolve("latest") + ")");
        }
    }

    private static CheckpointStore.State at(CheckpointStore.State state, int epoch) {
        return new CheckpointStore.State(state.config(), state.provenance(), epoch, epoch, state.controller(),
                state.history(), null, state.batchSize(), state.trainingSize(), false, state.runId());
    }
}
