package io.github.ast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
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

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static IdxReader.Images readImages(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return IdxReader.readImages(in, file.toString());
        }
    }

    static byte[] readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return IdxReader.readLabels(in, file.toString());
        }
    }

    /** Bytes this thread allocates while {@code check} runs. */
    static long allocatedBy(Runnable check) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        check.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
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

    @Test
    void pixelsAreUnsignedBytesScaledToTheUnitInterval(@TempDir Path dir) throws IOException {
        // 256 pixels 0..255: read as signed bytes, 128..255 would become negative.
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2051, 1, 16, 16, 256)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(2049, 1, (byte) 3)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(2051, 1, 16, 16, 256)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(2049, 1, (byte) 9)));
        for (String engine : new String[] {"PyTorch", "MXNet"}) {
            try (var m = Engine.getEngine(engine).newBaseManager()) {
                float[] pixels = FashionMnist.load(m, dir).train().images().toFloatArray();
                assertThat(pixels).hasSize(256);
                for (int i = 0; i < 256; i++) {
                    assertThat(pixels[i]).as("%s pixel %d", engine, i).isEqualTo(i / 255f);
                }
            }
        }
    }

    @Test
    void corruptDeflateDataIsReportedWithTheFileName(@TempDir Path dir) throws IOException {
        byte[] garbage = new byte[80];
        Arrays.fill(garbage, (byte) 0xff);
        System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, garbage, 0, 10);
        Path header = write(dir, "garbage.gz", garbage);
        assertThatThrownBy(() -> readLabels(header)).isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith(header + ": corrupt gzip stream (").hasCauseInstanceOf(ZipException.class);
        byte[] flipped = gzip(images(2051, 100, 28, 28, 78_400));
        flipped[flipped.length / 2] ^= 0x55;
        Path middle = write(dir, "flipped.gz", flipped);
        assertThatThrownBy(() -> readImages(middle)).isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith(middle + ": corrupt gzip stream (").hasCauseInstanceOf(ZipException.class);
    }

    @Test
    void gzipTrailerAndUndeclaredContentAreChecked(@TempDir Path dir) throws IOException {
        for (int offset : new int[] {8, 1}) { // CRC32, then uncompressed length
            byte[] bytes = gzip(labels(2049, 3, (byte) 1, (byte) 9, (byte) 0));
            bytes[bytes.length - offset] ^= 1;
            Path file = write(dir, "trailer" + offset + ".gz", bytes);
            assertThatThrownBy(() -> readLabels(file)).hasMessage(file + ": corrupt gzip stream (Corrupt GZIP trailer)")
                    .hasCauseInstanceOf(ZipException.class);
        }
        Path images = write(dir, "extra-images.gz", gzip(images(2051, 1, 2, 2, 6)));
        assertThatThrownBy(() -> readImages(images))
                .hasMessage(images + ": 2 more bytes of content than the 4 its header declares");
        Path labels = write(dir, "extra-labels.gz", gzip(labels(2049, 1, (byte) 1, (byte) 2, (byte) 3)));
        assertThatThrownBy(() -> readLabels(labels))
                .hasMessage(labels + ": 2 more bytes of content than the 1 its header declares");
    }

    @Test
    void declaredSizesAreNotTrusted(@TempDir Path dir) throws IOException {
        Path images = write(dir, "huge-images.gz", gzip(images(2051, 2_700_000, 28, 28, 10)));
        assertThat(allocatedBy(() -> assertThatThrownBy(() -> readImages(images))
                .hasMessage(images + ": truncated, expected 2116800000 bytes of content"))).isLessThan(16 << 20);
        Path labels = write(dir, "huge-labels.gz", gzip(labels(2049, Integer.MAX_VALUE - 8, (byte) 1)));
        assertThat(allocatedBy(() -> assertThatThrownBy(() -> readLabels(labels))
                .hasMessage(labels + ": truncated, expected 2147483639 bytes of content"))).isLessThan(16 << 20);
        Path overflow = write(dir, "overflow.gz", gzip(images(2051, 16, 1 << 30, 1 << 30, 0)));
        assertThatThrownBy(() -> readImages(overflow))
                .hasMessageStartingWith(overflow + ": implausible dimensions 16x1073741824x1073741824");
        Path tooLarge = write(dir, "too-large.gz", gzip(images(2051, 1, 1, Integer.MAX_VALUE - 7, 0)));
        assertThatThrownBy(() -> readImages(tooLarge)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(tooLarge + ": implausible dimensions 1x1x2147483640");
        Path tooMany = write(dir, "too-many.gz", gzip(labels(2049, Integer.MAX_VALUE)));
        assertThatThrownBy(() -> readLabels(tooMany))
                .hasMessageStartingWith(tooMany + ": implausible label count 2147483647");
    }

    @Test
    void loadsTheFullDebianDataSet() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIRECTORY), "dataset-fashion-mnist is not installed");
        try (var m = Engine.getEngine("PyTorch").newBaseManager()) {
            FashionMnist.Data data = FashionMnist.load(m, FashionMnist.DEBIAN_DIRECTORY);
            assertThat(data.train().images().getShape()).isEqualTo(new Shape(60_000, 1, 28, 28));
            assertThat(data.test().images().getShape()).isEqualTo(new Shape(10_000, 1, 28, 28));
            assertThat(data.train().size()).isEqualTo(60_000);
        }
    }
}
