package dev.grad4j.io;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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

/** Writes safetensors files atomically through a temporary file in the target's directory. */
final class SafeTensorsWriter {

    private static final String OP = "SafeTensors.save";
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private SafeTensorsWriter() {
    }

    static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(file, OP + ": file is null");
        Objects.requireNonNull(tensors, OP + ": tensors is null");
        Objects.requireNonNull(metadata, OP + ": metadata is null");
        byte[] header = header(tensors, metadata);
        Path target = file.toAbsolutePath();
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
