package io.github.ast.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of (Fashion-)MNIST, gzip-compressed: images (magic 2051) and labels (magic 2049).
 *
 * <p>Every defect (wrong magic, implausible dimensions, truncated content, a broken gzip stream) is reported with the
 * file's name and what was expected, never as an index error deep in the loader.
 */
public final class IdxReader {

    private static final int IMAGES_MAGIC = 2051;
    private static final int LABELS_MAGIC = 2049;

    private IdxReader() {}

    /**
     * Images as unsigned bytes.
     *
     * @param count number of images
     * @param rows rows per image
     * @param columns columns per image
     * @param pixels {@code count * rows * columns} bytes, row-major
     */
    public record Images(int count, int rows, int columns, byte[] pixels) {}

    /**
     * Reads a gzip-compressed IDX image file.
     *
     * @param in the compressed stream
     * @param name the file's name, for messages
     * @return the images
     * @throws IOException if the stream is not a valid IDX image file
     */
    public static Images readImages(InputStream in, String name) throws IOException {
        try (DataInputStream data = open(in, name)) {
            int magic = header(data, name);
            if (magic != IMAGES_MAGIC) {
                throw new IOException(name + ": magic number " + magic + " is not " + IMAGES_MAGIC
                        + " (IDX images); is this a label file?");
            }
            int count = header(data, name);
            int rows = header(data, name);
            int columns = header(data, name);
            if (count < 0 || rows <= 0 || columns <= 0 || (long) count * rows * columns > Integer.MAX_VALUE) {
                throw new IOException(name + ": implausible dimensions " + count + "x" + rows + "x" + columns);
            }
            byte[] pixels = new byte[count * rows * columns];
            readFully(data, pixels, name);
            return new Images(count, rows, columns, pixels);
        }
    }

    /**
     * Reads a gzip-compressed IDX label file.
     *
     * @param in the compressed stream
     * @param name the file's name, for messages
     * @return one byte per label
     * @throws IOException if the stream is not a valid IDX label file
     */
    public static byte[] readLabels(InputStream in, String name) throws IOException {
        try (DataInputStream data = open(in, name)) {
            int magic = header(data, name);
            if (magic != LABELS_MAGIC) {
                throw new IOException(name + ": magic number " + magic + " is not " + LABELS_MAGIC
                        + " (IDX labels); is this an image file?");
            }
            int count = header(data, name);
            if (count < 0) {
                throw new IOException(name + ": negative label count " + count);
            }
            byte[] labels = new byte[count];
            readFully(data, labels, name);
            return labels;
        }
    }

    private static DataInputStream open(InputStream in, String name) throws IOException {
        try {
            return new DataInputStream(new GZIPInputStream(in, 1 << 16));
        } catch (IOException e) {
            throw new IOException(name + ": not a gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static int header(DataInputStream data, String name) throws IOException {
        try {
            return data.readInt();
        } catch (EOFException e) {
            throw new IOException(name + ": truncated IDX header", e);
        }
    }

    private static void readFully(DataInputStream data, byte[] target, String name) throws IOException {
        try {
            data.readFully(target);
        } catch (EOFException e) {
            throw new IOException(name + ": truncated, expected " + target.length + " bytes of content", e);
        } catch (IOException e) {
            throw new IOException(name + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }
}
