package io.github.ast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import io.github.ast.api.ConfigurationException;
import io.github.ast.djl.checkpoint.CheckpointChecksums;
import io.github.ast.djl.checkpoint.CheckpointDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints found without their pointer, verified by checksums, and deleted only by their own run and best effort,
 * as a run of AST meets them: each test reproduces a defect where a run resumed wrongly, lost checkpoints or stopped,
 * with nothing said. The directory's own cases, without training, are in {@code CheckpointDirectoryTest}.
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
        assertThat(CheckpointStore.open(dir, 3).latest()).contains(dir.resolve("epoch-0002"));
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
        assertThatThrownBy(() -> CheckpointStore.open(dir, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining(state + " fails its checksum");
        Files.writeString(state, text);

        Files.writeString(checkpoint.resolve("extra.ndlist"), "x");
        assertThatThrownBy(() -> CheckpointStore.open(dir, 3).latest()).isInstanceOf(IOException.class)
                .hasMessageContaining("extra.ndlist is not listed in");
        Files.delete(checkpoint.resolve("extra.ndlist"));

        // Removing the checksums does not turn verification off for a checkpoint this version wrote.
        Files.delete(checkpoint.resolve(CheckpointChecksums.FILE));
        assertThatThrownBy(() -> CheckpointStore.open(dir, 3).latest()).isInstanceOf(IOException.class)
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

    /**
     * A kill while retention deletes an old checkpoint: simulated by a deletion that removes {@code state.json} and
     * stops. Before, a half-deleted {@code epoch-0001} (parameters and checksums, no state) stayed for good; now the
     * checkpoint was renamed out of the way first, and the run's next start removes the leftover.
     */
    @Test
    void aKillDuringRetentionLeavesNoHalfDeletedCheckpoint(@TempDir Path dir) throws Exception {
        train(dir, 1, Checkpointing.everyEpoch(dir));
        CheckpointStore.State first = CheckpointStore.readState(dir.resolve("epoch-0001"));
        CheckpointDirectory<CheckpointStore.State> killed = new CheckpointDirectory<>(dir, 1,
                CheckpointStore.State.class, step -> {}, path -> {
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

    private static CheckpointStore.State at(CheckpointStore.State state, int epoch) {
        return new CheckpointStore.State(state.config(), state.provenance(), epoch, epoch, state.controller(),
                state.history(), null, state.batchSize(), state.trainingSize(), false, state.runId());
    }
}
