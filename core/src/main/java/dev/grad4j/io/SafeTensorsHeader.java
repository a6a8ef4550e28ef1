package dev.grad4j.io;

import dev.grad4j.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: its metadata and, in header order, each tensor's name,
 * dimensions and byte range, all checked against the size of the file.
 *
 * @param metadata the {@code __metadata__} strings (empty if absent)
 * @param entries the tensors in header order
 * @param dataStart absolute file position of the first data byte ({@code 8 + N})
 */
record SafeTensorsHeader(Map<String, String> metadata, List<Entry> entries, long dataStart) {

    /**
     * One tensor of the header.
     *
     * @param int64 whether the data are {@code I64} (8 bytes each) rather than {@code F32}
     * @param begin first byte, relative to the data section
     * @param end one past the last byte, relative to the data section
     */
    record Entry(String name, int[] dims, int elements, boolean int64, long begin, long end) {
    }

    /**
     * Reads and validates the header of {@code file}.
     *
     * @param op the operation named in error messages
     * @throws IllegalArgumentException if the header is malformed or inconsistent with the file size
     */
    static SafeTensorsHeader read(String op, Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw fail(op, file, "truncated: " + fileSize + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(op, file, ch, prefix, 0);
        long n = prefix.flip().getLong();
        if (n < 0 || n > SafeTensors.MAX_HEADER_BYTES) {
            throw fail(op, file, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + SafeTensors.MAX_HEADER_BYTES + " bytes");
        }
        if (n > fileSize - 8) {
            throw fail(op, file, "header length " + n + " exceeds the file size " + fileSize);
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) n);
        readFully(op, file, ch, bytes, 8);
        bytes.flip();
        return parse(op, file, bytes, fileSize - 8 - n);
    }

    /**
     * Decodes and validates header bytes (without the length prefix) for a data section of
     * {@code dataLength} bytes. The writer runs the same check on the header it is about to write,
     * so every file grad4j writes is a file it reads.
     *
     * @throws IllegalArgumentException if the header is malformed, over a limit or inconsistent with {@code dataLength}
     */
    static SafeTensorsHeader parse(String op, Path file, ByteBuffer bytes, long dataLength) {
        long n = bytes.remaining();
        Object json;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            json = Json.parse(chars.toString(), SafeTensors.MAX_HEADER_VALUES);
        } catch (CharacterCodingException e) {
            throw fail(op, file, "header is not valid UTF-8");
        } catch (IllegalArgumentException e) {
            throw fail(op, file, "header is " + e.getMessage());
        }
        if (!(json instanceof Map)) {
            throw fail(op, file, "header is not a JSON object");
        }
        Map<?, ?> top = (Map<?, ?>) json;
        int tensors = top.size() - (top.containsKey("__metadata__") ? 1 : 0);
        if (tensors > SafeTensors.MAX_TENSORS) {
            throw fail(op, file, "header declares " + tensors + " tensors, more than the limit of "
                    + SafeTensors.MAX_TENSORS);
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>(tensors);
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                metadata = metadata(op, file, e.getValue());
            } else {
                entries.add(entry(op, file, name, e.getValue(), dataLength));
            }
        }
        checkTiling(op, file, entries, dataLength);
        return new SafeTensorsHeader(metadata, Collections.unmodifiableList(entries), 8 + n);
    }

    private static Map<String, String> metadata(String op, Path file, Object value) {
        if (!(value instanceof Map)) {
            throw fail(op, file, "__metadata__ is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw fail(op, file, "__metadata__ value of \"" + e.getKey() + "\" is not a string: " + e.getValue());
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry entry(String op, Path file, String name, Object value, long dataLength) {
        if (!(value instanceof Map)) {
            throw fail(op, file, "tensor '" + name + "' is not an object: " + value);
        }
        Map<?, ?> info = (Map<?, ?>) value;
        Object dtype = info.get("dtype");
        if (!(dtype instanceof String)) {
            throw fail(op, file, "tensor '" + name + "' has no dtype string: " + dtype);
        }
        if (!dtype.equals("F32") && !dtype.equals("I64")) {
            throw fail(op, file, "tensor '" + name + "' has unsupported dtype " + dtype + " (F32 and I64 are supported)");
        }
        boolean int64 = dtype.equals("I64");
        int width = int64 ? 8 : 4;
        int[] dims = dims(op, file, name, info.get("shape"));
        long elements;
        try {
            elements = Shape.size(op, dims);
        } catch (IllegalArgumentException e) {
            throw fail(op, file, "tensor '" + name + "' shape " + Arrays.toString(dims)
                    + " has more than " + Shape.MAX_SIZE + " elements");
        }
        Object offsets = info.get("data_offsets");
        if (!(offsets instanceof List) || ((List<?>) offsets).size() != 2
                || !isNonNegativeLong(((List<?>) offsets).get(0)) || !isNonNegativeLong(((List<?>) offsets).get(1))) {
            throw fail(op, file, "tensor '" + name + "' data_offsets must be two non-negative integers: " + offsets);
        }
        long begin = (Long) ((List<?>) offsets).get(0);
        long end = (Long) ((List<?>) offsets).get(1);
        if (begin > end) {
            throw fail(op, file, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw fail(op, file, "tensor '" + name + "' data_offsets [" + begin + ", " + end
                    + "] are out of range: the data section holds " + dataLength + " bytes (truncated file?)");
        }
        if (end - begin != width * elements) {
            throw fail(op, file, "tensor '" + name + "' shape " + Arrays.toString(dims) + " needs " + width * elements
                    + " bytes of " + dtype + " but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dims, (int) elements, int64, begin, end);
    }

    private static int[] dims(String op, Path file, String name, Object shape) {
        if (!(shape instanceof List)) {
            throw fail(op, file, "tensor '" + name + "' has no shape array: " + shape);
        }
        List<?> list = (List<?>) shape;
        int[] dims = new int[list.size()];
        for (int i = 0; i < dims.length; i++) {
            Object d = list.get(i);
            if (!isNonNegativeLong(d) || (Long) d > Integer.MAX_VALUE) {
                throw fail(op, file, "tensor '" + name + "' shape must hold non-negative int dimensions: " + shape);
            }
            dims[i] = (int) (long) (Long) d;
        }
        return dims;
    }

    private static boolean isNonNegativeLong(Object o) {
        return o instanceof Long && (Long) o >= 0;
    }

    /** Checks that the byte ranges, sorted, cover {@code [0, dataLength)} without overlaps or gaps. */
    private static void checkTiling(String op, Path file, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw fail(op, file, "tensors '" + previous.name() + "' and '" + e.name() + "' overlap: data_offsets ["
                        + previous.begin() + ", " + previous.end() + "] and [" + e.begin() + ", " + e.end() + "]");
            }
            if (e.begin() > covered) {
                throw fail(op, file, "gap in the data section: bytes [" + covered + ", " + e.begin()
                        + ") belong to no tensor");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw fail(op, file, "the data section holds " + dataLength + " bytes but the tensors cover "
                    + covered + " (trailing bytes)");
        }
    }

    private static void readFully(String op, Path file, FileChannel ch, ByteBuffer dst, long position)
            throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) {
                throw fail(op, file, "truncated: file ended at byte " + pos + " inside the header");
            }
            pos += r;
        }
    }

    private static IllegalArgumentException fail(String op, Path file, String problem) {
        return new IllegalArgumentException(op + ": " + problem + ": " + file);
    }
}
