package dev.grad4j.data;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads files in the IDX format of the MNIST database, raw or gzipped (recognised by the gzip magic
 * bytes {@code 1f 8b}, whatever the file name).
 *
 * <p>An IDX file starts with a big-endian magic number {@code 0x000008nn} (unsigned bytes, {@code nn}
 * dimensions), then {@code nn} big-endian dimension sizes, then the bytes in row-major order. Images
 * use {@code 0x00000803} ({@code [count, rows, cols]}), labels {@code 0x00000801} ({@code [count]}).
 *
 * <p>Declared sizes are never trusted: a raw file is checked against its length before the data is
 * allocated, and gzipped data is read into a buffer that grows only as bytes actually arrive.
 * Malformed files (wrong magic, negative or oversized dimensions, truncated or trailing data, corrupt
 * gzip) raise an {@link IllegalArgumentException} naming the file; failures of the file system raise
 * an {@link UncheckedIOException}.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned-byte images {@code [count, rows, cols]}. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels {@code [count]}. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int FIRST_CHUNK = 1 << 20;
    private static final int BUFFER = 1 << 16;

    /** The dimensions and raw bytes of an IDX file. */
    record Contents(int[] dims, byte[] data) {
    }

    private IdxReader() {
    }

    /**
     * Reads an image file into an array of shape {@code [count, rows, cols]} with pixels scaled to
     * {@code [0, 1]} ({@code byte / 255f}).
     *
     * @throws IllegalArgumentException if the file is not a well-formed IDX image file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static NDArray readImages(Path file) {
        Contents c = read("IdxReader.readImages", file, IMAGES_MAGIC);
        return NDArray.wrap(toUnitFloats(c.data()), c.dims());
    }

    /**
     * Reads a label file into one int in {@code [0, 255]} per example.
     *
     * @throws IllegalArgumentException if the file is not a well-formed IDX label file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static int[] readLabels(Path file) {
        return toLabels(read("IdxReader.readLabels", file, LABELS_MAGIC).data());
    }

    /** Converts unsigned bytes to ints in {@code [0, 255]}. */
    static int[] toLabels(byte[] data) {
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i] & 0xFF;
        }
        return labels;
    }

    /** Converts unsigned bytes to floats in {@code [0, 1]}. */
    static float[] toUnitFloats(byte[] data) {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (data[i] & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * Reads and validates an IDX file with the given magic number.
     *
     * @param op the operation named in error messages
     */
    static Contents read(String op, Path file, int magic) {
        Objects.requireNonNull(file, op + ": file is null");
        try (InputStream fileIn = Files.newInputStream(file)) {
            long fileSize = Files.size(file);
            BufferedInputStream buffered = new BufferedInputStream(fileIn, BUFFER);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gzip ? new GZIPInputStream(buffered, BUFFER) : buffered;
            return readContents(op, file, magic, in, gzip ? -1 : fileSize);
        } catch (EOFException | ZipException e) {
            throw new IllegalArgumentException(op + ": truncated or corrupt gzip data (" + e.getMessage() + "): "
                    + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(op + ": cannot read " + file, e);
        }
    }

    /** Parses header and data; {@code rawSize} is the file length, or -1 when the stream is decompressed. */
    private static Contents readContents(String op, Path file, int magic, InputStream in, long rawSize)
            throws IOException {
        byte[] word = new byte[4];
        if (!readWord(in, word)) {
            throw new IllegalArgumentException(op + ": truncated header: no magic number: " + file);
        }
        int found = bigEndian(word);
        if (found != magic) {
            throw new IllegalArgumentException(op + ": wrong magic number " + hex(found) + ", expected "
                    + hex(magic) + ": " + file);
        }
        int[] dims = new int[magic & 0xFF];
        for (int i = 0; i < dims.length; i++) {
            if (!readWord(in, word)) {
                throw new IllegalArgumentException(op + ": truncated header: " + i + " of " + dims.length
                        + " dimensions present: " + file);
            }
            dims[i] = bigEndian(word);
            if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": negative dimension " + dims[i] + " in header: " + file);
            }
        }
        // Both the whole file and one example (dims after the first, e.g. rows * cols) must fit an
        // array, also when the count is 0 (a file of 0 images of 65536 x 65536 pixels is refused).
        int size;
        try {
            if (dims.length > 1) {
                Shape.size(op, Arrays.copyOfRange(dims, 1, dims.length));
            }
            size = Shape.size(op, dims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": declared size too large: dimensions "
                    + Arrays.toString(dims) + " exceed " + Shape.MAX_SIZE + " elements: " + file, e);
        }
        byte[] data = rawSize >= 0
                ? readRaw(op, file, in, size, rawSize - 4L * (dims.length + 1))
                : readGrowing(op, file, in, size);
        if (in.read() != -1) {
            throw new IllegalArgumentException(op + ": trailing data after the " + size + " declared bytes: " + file);
        }
        return new Contents(dims, data);
    }

    /** Reads exactly {@code size} bytes after checking that the file holds them. */
    private static byte[] readRaw(String op, Path file, InputStream in, int size, long available) throws IOException {
        if (available < size) {
            throw new IllegalArgumentException(op + ": truncated: header declares " + size
                    + " bytes of data but the file holds " + available + ": " + file);
        }
        if (available > size) {
            throw new IllegalArgumentException(op + ": trailing data: header declares " + size
                    + " bytes of data but the file holds " + available + ": " + file);
        }
        byte[] data = new byte[size];
        int n = in.readNBytes(data, 0, size);
        if (n < size) {
            throw new IllegalArgumentException(op + ": truncated: header declares " + size
                    + " bytes of data but only " + n + " could be read: " + file);
        }
        return data;
    }

    /** Reads {@code size} bytes from a stream of unknown length, growing the buffer as data arrives. */
    private static byte[] readGrowing(String op, Path file, InputStream in, int size) throws IOException {
        byte[] data = new byte[Math.min(size, FIRST_CHUNK)];
        int filled = 0;
        while (filled < size) {
            if (filled == data.length) {
                data = Arrays.copyOf(data, (int) Math.min(size, 2L * data.length));
            }
            int n = in.read(data, filled, data.length - filled);
            if (n < 0) {
                throw new IllegalArgumentException(op + ": truncated: header declares " + size
                        + " bytes of data but the stream ends after " + filled + ": " + file);
            }
            filled += n;
        }
        return data;
    }

    /** Reads four bytes; returns false if the stream ends first. */
    private static boolean readWord(InputStream in, byte[] word) throws IOException {
        return in.readNBytes(word, 0, 4) == 4;
    }

    private static int bigEndian(byte[] b) {
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
