package dev.grad4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    static final Path MNIST = Path.of(System.getProperty("grad4j.root", "."), "examples/data/mnist10k");

    @TempDir
    Path dir;

    /** An IDX file: magic, big-endian dimensions, then {@code data}. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsBundledGzippedImages() {
        NDArray images = IdxReader.readImages(MNIST.resolve("train-images-idx3-ubyte.gz"));

        assertThat(images.shape()).isEqualTo(Shape.of(8000, 28, 28));
        float[] px = images.toArray();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : px) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void readsBundledGzippedLabels() {
        int[] train = IdxReader.readLabels(MNIST.resolve("train-labels-idx1-ubyte.gz"));
        int[] test = IdxReader.readLabels(MNIST.resolve("t10k-labels-idx1-ubyte.gz"));

        assertThat(train).hasSize(8000);
        assertThat(test).hasSize(2000);
        assertThat(Arrays.copyOf(train, 5)).containsExactly(1, 2, 4, 7, 3);
        assertThat(Arrays.copyOf(test, 5)).containsExactly(3, 6, 7, 0, 3);
        assertThat(Arrays.stream(train).boxed().toList()).allMatch(l -> l >= 0 && l <= 9);
    }

    @Test
    void rawAndGzippedFilesReadTheSame() throws IOException {
        Path raw = write("t10k-images-idx3-ubyte", gunzip(MNIST.resolve("t10k-images-idx3-ubyte.gz")));
        assertThat(IdxReader.readImages(raw)).isEqualTo(IdxReader.readImages(MNIST.resolve("t10k-images-idx3-ubyte.gz")));
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        byte[] raw = idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {7, 8, (byte) 255});
        assertThat(IdxReader.readLabels(write("labels.gz", raw))).containsExactly(7, 8, 255);
        assertThat(IdxReader.readLabels(write("labels.idx", gzip(raw)))).containsExactly(7, 8, 255);
    }

    @Test
    void scalesPixelsByOneOver255() throws IOException {
        byte[] raw = idx(IdxReader.IMAGES_MAGIC, new int[] {1, 1, 3}, new byte[] {0, (byte) 128, (byte) 255});
        NDArray images = IdxReader.readImages(write("img", raw));
        assertThat(images.shape()).isEqualTo(Shape.of(1, 1, 3));
        assertThat(images.toArray()).containsExactly(0f, 128 / 255f, 1f);
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        Path labels = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[] {1}));
        assertThatThrownBy(() -> IdxReader.readImages(labels))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IdxReader.readImages: wrong magic number 0x00000801, expected 0x00000803")
                .hasMessageContaining(labels.toString());
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path empty = write("empty", new byte[0]);
        assertThatThrownBy(() -> IdxReader.readLabels(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated header")
                .hasMessageContaining(empty.toString());
        Path partial = write("partial", Arrays.copyOf(idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 2}, new byte[4]), 10));
        assertThatThrownBy(() -> IdxReader.readImages(partial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated header: 1 of 3 dimensions present");
    }

    @Test
    void rejectsTruncatedRawData() throws IOException {
        Path file = write("short", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[7]));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated: header declares 8 bytes of data but the file holds 7")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsTruncatedGzippedData() throws IOException {
        Path file = write("short.gz", gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[7])));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated: header declares 8 bytes of data but the stream ends after 7")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsTruncatedGzipStream() throws IOException {
        byte[] gz = Files.readAllBytes(MNIST.resolve("t10k-labels-idx1-ubyte.gz"));
        Path file = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IdxReader.readLabels")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        byte[] gz = gzip(idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {1, 2, 3, 4}));
        for (int i = 10; i < gz.length - 8; i++) {
            gz[i] = (byte) 0xFF;
        }
        Path file = write("corrupt.gz", gz);
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated or corrupt gzip data")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsHugeDeclaredSizeInRawFileBeforeAllocating() throws IOException {
        Path file = write("huge", idx(IdxReader.IMAGES_MAGIC, new int[] {2_000_000, 28, 28}, new byte[16]));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header declares 1568000000 bytes of data but the file holds 16");
    }

    @Test
    void rejectsHugeDeclaredSizeInGzipWithoutAllocatingIt() throws IOException {
        Path file = write("huge.gz", gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {2_000_000, 28, 28}, new byte[16])));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header declares 1568000000 bytes of data but the stream ends after 16");
    }

    @Test
    void rejectsSizesBeyondAnArray() throws IOException {
        Path file = write("overflow", idx(IdxReader.IMAGES_MAGIC, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IdxReader.readImages: declared size too large")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsNegativeCount() throws IOException {
        Path file = write("negative", idx(IdxReader.LABELS_MAGIC, new int[] {-5}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IdxReader.readLabels: negative dimension -5")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsTrailingData() throws IOException {
        byte[] raw = idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2, 3});
        Path file = write("long", raw);
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing data");
        Path gz = write("long.gz", gzip(raw));
        assertThatThrownBy(() -> IdxReader.readLabels(gz))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing data after the 2 declared bytes");
    }

    @Test
    void missingFileIsAnIoFailure() {
        Path file = dir.resolve("absent");
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("IdxReader.readLabels: cannot read")
                .hasMessageContaining(file.toString());
    }
}
