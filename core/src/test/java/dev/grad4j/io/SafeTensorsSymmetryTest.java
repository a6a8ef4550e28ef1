package dev.grad4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file grad4j writes is a file grad4j reads: save refuses, before writing anything, what load
 * would reject; headers within the limits cost time and memory proportional to their size; and
 * temporary files of killed saves are cleaned up by later saves.
 */
class SafeTensorsSymmetryTest {

    @TempDir
    Path dir;

    private static Map<String, NDArray> one() {
        return Map.of("w", NDArray.ones(2));
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void saveRefusesAnUnpairedSurrogateInsteadOfWritingAQuestionMark() throws IOException {
        Path file = dir.resolve("m.safetensors");
        assertThatThrownBy(() -> SafeTensors.save(file, Map.of("bad\uD800name", NDArray.ones(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.save: tensor name holds an unpaired surrogate U+D800 at index 3")
                .hasMessageContaining("bad\\ud800name");
        assertThatThrownBy(() -> SafeTensors.save(file, one(), Map.of("k", "\uDC00")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata value of \"k\" holds an unpaired surrogate U+DC00");
        assertThat(files()).isEmpty();
        // A proper pair (an emoji) round-trips.
        SafeTensors.save(file, Map.of("smile\uD83D\uDE00", NDArray.ones(1)), Map.of("\uD83D\uDE00", "ok"));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertThat(c.tensors()).containsKey("smile\uD83D\uDE00");
        assertThat(c.metadata()).containsEntry("\uD83D\uDE00", "ok");
    }

    @Test
    void saveRefusesAHeaderOverTheLoadLimit() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.save(file, one());
        byte[] before = Files.readAllBytes(file);
        String big = "a".repeat((int) SafeTensors.MAX_HEADER_BYTES);
        assertThatThrownBy(() -> SafeTensors.save(file, one(), Map.of("note", big)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.save: header of more than 100000005 bytes")
                .hasMessageContaining("exceeds the limit of 100000000 bytes");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(files()).containsExactly("m.safetensors");
    }

    @Test
    void saveAndLoadAgreeOnTheTensorCount() {
        Path file = dir.resolve("many.safetensors");
        Map<String, NDArray> many = new LinkedHashMap<>();
        NDArray empty = NDArray.zeros(0);
        for (int i = 0; i <= SafeTensors.MAX_TENSORS; i++) {
            many.put("t" + i, empty);
        }
        assertThatThrownBy(() -> SafeTensors.save(file, many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.save: header declares 100001 tensors, more than the limit of 100000");
        // Just under the byte limit in characters but over it in UTF-8 bytes: refused after building.
        String twoByte = "\u00e9".repeat((int) (SafeTensors.MAX_HEADER_BYTES / 2 + 1));
        assertThatThrownBy(() -> SafeTensors.save(file, one(), Map.of("n", twoByte)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the limit of 100000000 bytes");
        assertThat(file).doesNotExist();
    }

    @Test
    void aPathWithoutAParentIsAClearError() {
        Path root = Path.of("/").toAbsolutePath().getRoot();
        assertThatThrownBy(() -> SafeTensors.save(root, one()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.save: path has no parent directory");
    }

    /**
     * A header declaring 300,000 empty tensors (18 MB, within the 100 MB limit) stops parsing at the
     * value budget instead of building millions of objects. (1.5 million, the reported case, is the
     * same path with five times the bytes to decode.)
     */
    @Test
    void aHeaderOfMillionsOfEmptyTensorsIsRefusedCheaply() throws IOException {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 300_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        assertThat((long) header.length).isLessThan(SafeTensors.MAX_HEADER_BYTES);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path file = Files.write(dir.resolve("empty.safetensors"), b.array());
        long start = System.nanoTime();
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 2000000 values")
                .hasMessageContaining(file.toString());
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10.0);
    }

    @Test
    void laterSavesRemoveTheTemporaryFilesOfDeadProcesses() throws IOException {
        Path file = dir.resolve("m.safetensors");
        long self = ProcessHandle.current().pid();
        long dead = deadPid();
        Path stale = Files.write(dir.resolve(".m.safetensors." + dead + ".7.tmp"), new byte[16]);
        Path mine = Files.write(dir.resolve(".m.safetensors." + self + ".999999.tmp"), new byte[16]);
        Path other = Files.write(dir.resolve(".other.safetensors." + dead + ".1.tmp"), new byte[16]);
        Path odd = Files.write(dir.resolve(".m.safetensors.x.1.tmp"), new byte[16]);
        SafeTensors.save(file, one());
        assertThat(stale).doesNotExist();
        assertThat(mine).exists();
        assertThat(other).exists();
        assertThat(odd).exists();
    }

    /** A pid that no process has: one past a child that has exited (checked). */
    private static long deadPid() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            long pid = p.pid();
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (long pid = 4_000_000; ; pid++) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }
}
