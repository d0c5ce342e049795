package io.github.ast.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of (Fashion-)MNIST, gzip-compressed: images (magic 2051) and labels (magic 2049).
 *
 * <p>Every defect (wrong magic, implausible dimensions, truncated or extra content, a broken gzip stream or trailer)
 * is reported with the file's name and what was expected, never as an index error deep in the loader or a bare
 * {@link java.util.zip.ZipException}. The header is untrusted: arrays grow as content arrives instead of being
 * allocated from the declared size, so a corrupt count fails as a truncated file rather than a 2 GB allocation.
 */
public final class IdxReader {

    private static final int IMAGES_MAGIC = 2051;
    private static final int LABELS_MAGIC = 2049;
    /** The largest array size the JVM allocates reliably. */
    private static final int MAX_CONTENT = Integer.MAX_VALUE - 8;

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
     * Reads a gzip-compressed IDX image file, to its end so that extra content and a wrong CRC or length in the gzip
     * trailer are detected.
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
            if (count < 0 || rows <= 0 || columns <= 0 || count > MAX_CONTENT / ((long) rows * columns)) {
                throw new IOException(name + ": implausible dimensions " + count + "x" + rows + "x" + columns
                        + " (count x rows x columns must be at most " + MAX_CONTENT + " bytes)");
            }
            return new Images(count, rows, columns, content(data, count * rows * columns, name));
        }
    }

    /**
     * Reads a gzip-compressed IDX label file, to its end so that extra content and a wrong CRC or length in the gzip
     * trailer are detected.
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
            if (count < 0 || count > MAX_CONTENT) {
                throw new IOException(name + ": implausible label count " + count + " (must be in [0, "
                        + MAX_CONTENT + "])");
            }
            return content(data, count, name);
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
        } catch (IOException e) {
            throw corrupt(name, e);
        }
    }

    /**
     * Reads {@code length} bytes with {@link InputStream#readNBytes(int)}, which grows its buffer as data arrives, then
     * drains the stream in bounded memory: reaching the end makes {@link GZIPInputStream} check the trailer's CRC and
     * length, and whatever is left is content the header does not declare.
     */
    private static byte[] content(DataInputStream data, int length, String name) throws IOException {
        byte[] content;
        long extra;
        try {
            content = data.readNBytes(length);
            extra = data.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw corrupt(name, e);
        }
        if (content.length < length) {
            throw new IOException(name + ": truncated, expected " + length + " bytes of content");
        }
        if (extra > 0) {
            throw new IOException(name + ": " + extra + " more bytes of content than the " + length
                    + " its header declares");
        }
        return content;
    }

    private static IOException corrupt(String name, IOException e) {
        return new IOException(name + ": corrupt gzip stream (" + e.getMessage() + ")", e);
    }
}
