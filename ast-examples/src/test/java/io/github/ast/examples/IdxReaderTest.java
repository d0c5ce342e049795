package io.github.ast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] images(int magic, int count, int rows, int columns, int contentBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + contentBytes).putInt(magic).putInt(count).putInt(rows).putInt(columns);
        for (int i = 0; i < contentBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    static byte[] labels(int magic, int count, byte... content) {
        return ByteBuffer.allocate(8 + content.length).putInt(magic).putInt(count).put(content).array();
    }

    @Test
    void readsImagesAndLabels() throws IOException {
        IdxReader.Images img = IdxReader.readImages(new ByteArrayInputStream(gzip(images(2051, 2, 2, 3, 12))), "i");
        assertThat(img.count()).isEqualTo(2);
        assertThat(img.rows()).isEqualTo(2);
        assertThat(img.columns()).isEqualTo(3);
        assertThat(img.pixels()).startsWith(0, 1, 2).hasSize(12);
        assertThat(IdxReader.readLabels(new ByteArrayInputStream(gzip(labels(2049, 3, (byte) 1, (byte) 9, (byte) 0))),
                "l")).containsExactly(1, 9, 0);
    }

    @Test
    void reportsCorruptFilesByName() throws IOException {
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(gzip(labels(2049, 1, (byte) 1))),
                "train-images.gz")).isInstanceOf(IOException.class)
                .hasMessageContaining("train-images.gz: magic number 2049 is not 2051");
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(gzip(images(2051, 2, 2, 3, 7))),
                "short.gz")).hasMessage("short.gz: truncated, expected 12 bytes of content");
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(gzip(new byte[] {0, 0})), "h.gz"))
                .hasMessage("h.gz: truncated IDX header");
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream("plain text".getBytes()), "t.gz"))
                .hasMessageStartingWith("t.gz: not a gzip file");
        byte[] cut = gzip(images(2051, 100, 28, 28, 78_400));
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(Arrays.copyOf(cut, cut.length / 2)),
                "cut.gz")).hasMessageStartingWith("cut.gz:");
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(gzip(images(2051, 1, -2, 3, 0))),
                "dims.gz")).hasMessageContaining("implausible dimensions 1x-2x3");
    }

    @Test
    void missingFilesAndBadLabelsAreClearErrors(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2051, 2, 1, 1, 2)));
        assertThatThrownBy(() -> FashionMnist.load(null, dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("train-labels-idx1-ubyte.gz is missing");
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(2049, 2, (byte) 1, (byte) 12)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(2051, 1, 1, 1, 1)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(2049, 1, (byte) 1)));
        try (var m = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
            assertThatThrownBy(() -> FashionMnist.load(m, dir))
                    .hasMessage("train-labels-idx1-ubyte.gz: label 12 at index 1 is outside [0, 10)");
            Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(2049, 1, (byte) 1)));
            assertThatThrownBy(() -> FashionMnist.load(m, dir))
                    .hasMessageContaining("holds 2 images but train-labels-idx1-ubyte.gz holds 1 labels");
        }
    }
}
