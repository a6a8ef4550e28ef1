package dev.grad4j.io;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes safetensors files atomically through a temporary file {@code .NAME.PID.N.tmp} in the
 * target's directory; a successful save also removes such files left by dead processes.
 */
final class SafeTensorsWriter {

    private static final String OP = "SafeTensors.save";
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private SafeTensorsWriter() {
    }

    static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(file, OP + ": file is null");
        Objects.requireNonNull(tensors, OP + ": tensors is null");
        Objects.requireNonNull(metadata, OP + ": metadata is null");
        Path target = file.toAbsolutePath();
        if (target.getParent() == null || target.getFileName() == null) {
            throw new IllegalArgumentException(OP + ": path has no parent directory to write into: " + file);
        }
        if (tensors.size() > SafeTensors.MAX_TENSORS) {
            throw new IllegalArgumentException(OP + ": header declares " + tensors.size()
                    + " tensors, more than the limit of " + SafeTensors.MAX_TENSORS + " that load accepts: " + file);
        }
        long chars = 0; // a lower bound of the header's UTF-8 length, to refuse a huge header before building it
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            chars += (e.getKey() == null ? 0 : e.getKey().length()) + (e.getValue() == null ? 0 : e.getValue().length());
        }
        for (String name : tensors.keySet()) {
            chars += name == null ? 0 : name.length();
        }
        if (chars > SafeTensors.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(OP + ": header of more than " + chars + " bytes exceeds the limit of "
                    + SafeTensors.MAX_HEADER_BYTES + " bytes that load accepts (" + tensors.size() + " tensors): "
                    + file);
        }
        byte[] header = header(tensors, metadata);
        if (header.length > SafeTensors.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(OP + ": header of " + header.length + " bytes exceeds the limit of "
                    + SafeTensors.MAX_HEADER_BYTES + " bytes that load accepts (" + tensors.size() + " tensors): "
                    + file);
        }
        // The reader's own check: a file grad4j writes is a file grad4j reads.
        SafeTensorsHeader.parse(OP, file, ByteBuffer.wrap(header), dataLength(tensors));
        Path temp = null;
        try {
            temp = createTemp(target);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeAll(ch, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
                writeAll(ch, ByteBuffer.wrap(header));
                ByteBuffer buffer = ByteBuffer.allocate(8 * SafeTensors.CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    if (isInteger(tensors, e.getKey())) {
                        writeLongs(ch, e.getValue().toArray(), buffer);
                    } else {
                        writeFloats(ch, e.getValue().toArray(), buffer);
                    }
                }
                ch.force(true);
            }
            move(temp, target);
            removeStaleTemps(target);
        } catch (IOException e) {
            throw new UncheckedIOException(OP + ": cannot write " + file, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Builds the JSON header, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Map<String, NDArray> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException(OP + ": null metadata key or value: " + e.getKey());
                }
                if (!first) {
                    json.append(',');
                }
                first = false;
                requireUnicode("metadata key", e.getKey());
                requireUnicode("metadata value of \"" + e.getKey() + "\"", e.getValue());
                Json.quote(json, e.getKey());
                json.append(':');
                Json.quote(json, e.getValue());
            }
            json.append('}');
        }
        long offset = 0;
        boolean first = metadata.isEmpty();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            NDArray t = e.getValue();
            if (name == null || t == null) {
                throw new IllegalArgumentException(OP + ": null tensor name or value: " + name);
            }
            if (name.equals("__metadata__")) {
                throw new IllegalArgumentException(OP + ": tensor name __metadata__ is reserved");
            }
            requireUnicode("tensor name", name);
            if (!first) {
                json.append(',');
            }
            first = false;
            Json.quote(json, name);
            boolean int64 = isInteger(tensors, name);
            if (int64) {
                StateDict.requireIntegral(OP + ": integer tensor '" + name + "'", t);
            }
            json.append(int64 ? ":{\"dtype\":\"I64\",\"shape\":[" : ":{\"dtype\":\"F32\",\"shape\":[");
            int[] dims = t.shape().toArray();
            for (int i = 0; i < dims.length; i++) {
                json.append(i == 0 ? "" : ",").append(dims[i]);
            }
            long end = offset + (int64 ? 8L : 4L) * t.size();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        for (int i = bytes.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /** The bytes of the data section: the sum of the tensors' sizes. */
    private static long dataLength(Map<String, NDArray> tensors) {
        long n = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            n += (isInteger(tensors, e.getKey()) ? 8L : 4L) * e.getValue().size();
        }
        return n;
    }

    /** Refuses a string UTF-8 cannot encode (an unpaired surrogate), which would be written as '?'. */
    private static void requireUnicode(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(OP + ": " + what + " holds an unpaired surrogate U+"
                        + String.format("%04X", (int) c) + " at index " + i + ", which UTF-8 cannot encode: "
                        + Json.quoteAscii(s));
            }
        }
    }

    /** Creates an empty, uniquely named hidden file beside {@code target}. */
    private static Path createTemp(Path target) throws IOException {
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
        while (true) {
            Path temp = dir.resolve(prefix + TEMP_COUNTER.incrementAndGet() + ".tmp");
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException taken) {
                // another writer holds this name; try the next one
            }
        }
    }

    /**
     * Deletes the temporary files of earlier saves to {@code target} whose process no longer runs
     * (killed mid-save, e.g. by SIGKILL): {@code .NAME.PID.N.tmp} beside the target. Files of live
     * processes, including this one, are left alone; failures are ignored (another saver may delete
     * the same file first).
     */
    static void removeStaleTemps(Path target) {
        String prefix = "." + target.getFileName() + ".";
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.getParent())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
                    continue;
                }
                String[] parts = name.substring(prefix.length(), name.length() - ".tmp".length()).split("\\.", -1);
                if (parts.length != 2 || !isDigits(parts[0]) || !isDigits(parts[1]) || parts[0].length() > 18) {
                    continue;
                }
                long pid = Long.parseLong(parts[0]);
                if (pid != self && ProcessHandle.of(pid).isEmpty()) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // cleaning up is best effort; the save itself has succeeded
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeFloats(FileChannel ch, float[] data, ByteBuffer buffer) throws IOException {
        for (int done = 0; done < data.length; ) {
            int n = Math.min(SafeTensors.CHUNK_FLOATS, data.length - done);
            buffer.clear();
            buffer.asFloatBuffer().put(data, done, n);
            buffer.limit(4 * n);
            writeAll(ch, buffer);
            done += n;
        }
    }

    private static boolean isInteger(Map<String, NDArray> tensors, String name) {
        return tensors instanceof StateDict && ((StateDict) tensors).isInteger(name);
    }

    private static void writeLongs(FileChannel ch, float[] data, ByteBuffer buffer) throws IOException {
        for (int done = 0; done < data.length; ) {
            int n = Math.min(SafeTensors.CHUNK_FLOATS, data.length - done);
            buffer.clear();
            for (int i = 0; i < n; i++) {
                buffer.putLong((long) data[done + i]);
            }
            buffer.flip();
            writeAll(ch, buffer);
            done += n;
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the temporary file is only left behind if the directory became unwritable
        }
    }
}
