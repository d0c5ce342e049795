package io.github.ast.djl.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of a checkpoint, in {@code sha256sum}'s format ({@code checksums.sha256}, so
 * {@code sha256sum -c} checks it by hand too): a flipped byte in the parameters or an edited {@code state.json}
 * would otherwise resume silently into another run. {@link CheckpointDirectory} writes them before a checkpoint is
 * flushed and moved into place, and verifies them before it resumes from one.
 */
public final class CheckpointChecksums {

    /** The file's name inside a checkpoint directory. */
    public static final String FILE = "checksums.sha256";

    private CheckpointChecksums() {}

    /** Writes the checksums of every other file in a checkpoint directory. */
    static void write(Path checkpoint) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files(checkpoint)) {
            text.append(sha256(file)).append("  ").append(file.getFileName()).append('\n');
        }
        Files.writeString(checkpoint.resolve(FILE), text, StandardCharsets.UTF_8);
    }

    /**
     * Returns whether a checkpoint records checksums (those written before they were recorded do not).
     *
     * @param checkpoint the checkpoint's directory
     * @return whether it holds {@link #FILE}
     */
    public static boolean recorded(Path checkpoint) {
        return Files.isRegularFile(checkpoint.resolve(FILE));
    }

    /**
     * Verifies every file against the recorded checksums.
     *
     * @param checkpoint the checkpoint's directory
     * @throws IOException naming the file that is missing, unlisted or altered
     */
    public static void verify(Path checkpoint) throws IOException {
        Path list = checkpoint.resolve(FILE);
        Map<String, String> expected = new TreeMap<>();
        for (String line : CheckpointFiles.readUtf8(list).split("\n")) {
            int gap = line.indexOf("  ");
            if (gap != 64) {
                throw new IOException(list + ": line '" + line + "' is not '<sha-256>  <file>'");
            }
            expected.put(line.substring(gap + 2), line.substring(0, gap));
        }
        for (Path file : files(checkpoint)) {
            if (!expected.containsKey(file.getFileName().toString())) {
                throw new IOException(file + " is not listed in " + list + ": the checkpoint was altered after it "
                        + "was written");
            }
        }
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            Path file = checkpoint.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " is listed in " + list + " but missing");
            }
            String actual = sha256(file);
            if (!actual.equals(entry.getValue())) {
                throw new IOException(file + " fails its checksum (SHA-256 " + actual + ", recorded "
                        + entry.getValue() + "): the file was damaged or edited after the checkpoint was written");
            }
        }
    }

    private static List<Path> files(Path checkpoint) throws IOException {
        try (Stream<Path> children = Files.list(checkpoint)) {
            return children.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(FILE))
                    .sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
