package dev.grad4j.io;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and loads named arrays in the safetensors format used by PyTorch and Hugging Face: float32
 * ({@code F32}) tensors, and int64 ({@code I64}) tensors such as batch norm's
 * {@code num_batches_tracked}, which are read into float arrays when every value is an integer of
 * magnitude at most 2^24 and marked as integers in the returned {@link StateDict}.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * mapping each tensor name to {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}} (offsets
 * relative to the first byte after the header), plus an optional {@code "__metadata__"} object of
 * strings; then the raw little-endian data. Saving writes an entry as {@code I64} when the map is a
 * {@link StateDict} that marks it as an integer entry (as {@code Module.stateDict()} does for integer
 * buffers), as {@code F32} otherwise.
 *
 * <p>Loading is strict and never trusts a declared size: header length, shapes and offsets are checked
 * against the actual file size before anything is allocated, and tensors must tile the data section
 * exactly (no overlaps, gaps or trailing bytes). Malformed files raise an
 * {@link IllegalArgumentException} naming the file and the problem; failures of the file system raise
 * an {@link UncheckedIOException}.
 *
 * <pre>{@code
 * SafeTensors.save(Path.of("mlp.safetensors"), Map.of("0.weight", w, "0.bias", b));
 * NDArray w2 = SafeTensors.load(Path.of("mlp.safetensors")).get("0.weight");   // [16, 6]
 * }</pre>
 */
public final class SafeTensors {

    /** Largest header accepted when loading, in bytes (100 MB, the limit of the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /**
     * Most tensors a file may declare (loading and saving). With {@link #MAX_HEADER_VALUES} it bounds
     * the memory and time a header costs: a header within the limits is parsed in well under a
     * second into at most a few hundred bytes per declared tensor.
     */
    public static final int MAX_TENSORS = 100_000;

    /**
     * Most JSON values (keys, strings, numbers, arrays, objects) a header may hold: about 20 per
     * tensor at {@link #MAX_TENSORS}. The parse stops as soon as it is exceeded.
     */
    public static final long MAX_HEADER_VALUES = 2_000_000L;

    /** Floats moved per read or write call. */
    static final int CHUNK_FLOATS = 1 << 16;

    private SafeTensors() {
    }

    /**
     * Writes {@code tensors} to {@code file} in the map's iteration order, without metadata.
     *
     * @see #save(Path, Map, Map)
     */
    public static void save(Path file, Map<String, NDArray> tensors) {
        save(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} in the map's iteration order, with string {@code metadata}, atomically:
     * the bytes go to a temporary file in the same directory that is then moved over {@code file}, so
     * readers never see a half-written file. Entries that a {@link StateDict} marks as integers are
     * written as {@code I64}, the rest as {@code F32}.
     *
     * <p>Whatever {@link #load} would reject is refused before anything is written: a header over
     * {@link #MAX_HEADER_BYTES}, {@link #MAX_TENSORS} or {@link #MAX_HEADER_VALUES}, and names or
     * metadata that are not valid Unicode (an unpaired surrogate).
     *
     * @throws IllegalArgumentException if a name or value is null, a tensor is named {@code __metadata__},
     *     an integer entry holds a value that is not an integer, a string is not valid Unicode, the header
     *     is over a limit, or {@code file} has no parent directory (the filesystem root)
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /**
     * Reads every tensor of {@code file}, in the order of the header, into a new mutable map; I64
     * tensors become float arrays marked as integer entries.
     *
     * @throws IllegalArgumentException if the file is not a well-formed safetensors file of F32 and I64
     *     tensors, or an I64 value's magnitude exceeds 2^24 (it would not be exact in float32)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static StateDict load(Path file) {
        return read("SafeTensors.load", file).tensors();
    }

    /**
     * The tensors and metadata of one file, read through one open of the file, so that both come
     * from the same version of it even while another thread or process replaces it.
     *
     * @param tensors the tensors in header order, I64 entries marked as integers
     * @param metadata the {@code __metadata__} strings (empty if there are none)
     */
    public record Contents(StateDict tensors, Map<String, String> metadata) {

        /**
         * Keeps the two maps (not copied).
         *
         * @throws NullPointerException if either is null
         */
        public Contents {
            Objects.requireNonNull(tensors, "SafeTensors.Contents: tensors is null");
            Objects.requireNonNull(metadata, "SafeTensors.Contents: metadata is null");
        }
    }

    /**
     * Reads the tensors and the metadata of {@code file} from one snapshot of it (one open; a file
     * replaced by an atomic move meanwhile is read as the old or the new version, never a mix).
     *
     * @throws IllegalArgumentException if the file is not a well-formed safetensors file of F32 and I64
     *     tensors, or an I64 value's magnitude exceeds 2^24
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Contents read(Path file) {
        return read("SafeTensors.read", file);
    }

    private static Contents read(String op, Path file) {
        Objects.requireNonNull(file, op + ": file is null");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SafeTensorsHeader header = SafeTensorsHeader.read(op, file, ch);
            StateDict out = new StateDict();
            ByteBuffer buffer = ByteBuffer.allocate(8 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (SafeTensorsHeader.Entry e : header.entries()) {
                float[] data = new float[e.elements()];
                if (e.int64()) {
                    readLongs(op, file, e.name(), ch, header.dataStart() + e.begin(), data, buffer);
                    out.putInteger(e.name(), NDArray.wrap(data, e.dims()));
                } else {
                    readFloats(op, file, ch, header.dataStart() + e.begin(), data, buffer);
                    out.put(e.name(), NDArray.wrap(data, e.dims()));
                }
            }
            return new Contents(out, new LinkedHashMap<>(header.metadata()));
        } catch (IOException e) {
            throw new UncheckedIOException(op + ": cannot read " + file, e);
        }
    }

    /**
     * Reads only the {@code __metadata__} strings of {@code file} (empty if there are none), after
     * validating the whole header. To read metadata and tensors of the same version of a file that
     * may be replaced meanwhile, use {@link #read(Path)}.
     *
     * @throws IllegalArgumentException if the file is not a well-formed safetensors file of F32 and I64 tensors
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Map<String, String> metadata(Path file) {
        Objects.requireNonNull(file, "SafeTensors.metadata: file is null");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new LinkedHashMap<>(SafeTensorsHeader.read("SafeTensors.metadata", file, ch).metadata());
        } catch (IOException e) {
            throw new UncheckedIOException("SafeTensors.metadata: cannot read " + file, e);
        }
    }

    /** Reads {@code dst.length} little-endian floats starting at byte {@code position}. */
    private static void readFloats(String op, Path file, FileChannel ch, long position, float[] dst,
                                   ByteBuffer buffer) throws IOException {
        long pos = position;
        for (int done = 0; done < dst.length; ) {
            int n = Math.min(CHUNK_FLOATS, dst.length - done);
            pos = fill(op, file, ch, pos, buffer, 4 * n);
            buffer.asFloatBuffer().get(dst, done, n);
            done += n;
        }
    }

    /** Reads {@code dst.length} little-endian int64 values into floats, each checked to be exact. */
    private static void readLongs(String op, Path file, String name, FileChannel ch, long position, float[] dst,
                                  ByteBuffer buffer) throws IOException {
        long pos = position;
        for (int done = 0; done < dst.length; ) {
            int n = Math.min(CHUNK_FLOATS, dst.length - done);
            pos = fill(op, file, ch, pos, buffer, 8 * n);
            for (int i = 0; i < n; i++) {
                long v = buffer.getLong();
                if (Math.abs(v) > StateDict.MAX_EXACT_INTEGER) {
                    throw new IllegalArgumentException(op + ": tensor '" + name + "' holds the I64 value "
                            + v + " at element " + (done + i) + ", beyond 2^24 where float32 is exact: " + file);
                }
                dst[done + i] = v;
            }
            done += n;
        }
    }

    /** Reads exactly {@code bytes} bytes at {@code pos} into {@code buffer}, flipped for reading; returns the next position. */
    private static long fill(String op, Path file, FileChannel ch, long pos, ByteBuffer buffer, int bytes) throws IOException {
        buffer.clear().limit(bytes);
        while (buffer.hasRemaining()) {
            int r = ch.read(buffer, pos);
            if (r < 0) {
                throw new IllegalArgumentException(op + ": truncated: file ended at byte " + pos
                        + " while reading tensor data: " + file);
            }
            pos += r;
        }
        buffer.flip();
        return pos;
    }
}
