package dev.grad4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import dev.grad4j.tensor.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    /** A file with an 8-byte length {@code n}, then {@code header}, then {@code data}. */
    private Path craft(long n, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(header).put(data);
        return Files.write(dir.resolve("bad.safetensors"), b.array());
    }

    private Path craft(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return craft(h.length, h, new byte[dataBytes]);
    }

    private static Map<String, NDArray> sample() {
        SplittableRandom random = new SplittableRandom(3);
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("layer.weight", NDArray.randn(random, 3, 4));
        m.put("b", NDArray.randn(random, 4));
        m.put("a.scalar", NDArray.scalar(-2.5f));
        m.put("empty", NDArray.zeros(0, 3));
        m.put("cube", NDArray.randn(random, 2, 3, 5));
        return m;
    }

    @Test
    void roundTripPreservesValuesShapesAndOrder() {
        Path file = dir.resolve("m.safetensors");
        Map<String, NDArray> tensors = sample();
        SafeTensors.save(file, tensors);
        Map<String, NDArray> loaded = SafeTensors.load(file);

        assertThat(loaded.keySet()).containsExactly("layer.weight", "b", "a.scalar", "empty", "cube");
        assertThat(loaded).isEqualTo(tensors);
        assertThat(loaded.get("a.scalar").shape()).isEqualTo(Shape.scalar());
        assertThat(loaded.get("a.scalar").item()).isEqualTo(-2.5f);
        assertThat(loaded.get("empty").shape()).isEqualTo(Shape.of(0, 3));
    }

    @Test
    void roundTripsSpecialFloatsBitForBit() {
        float[] values = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 1e-40f};
        Path file = dir.resolve("f.safetensors");
        SafeTensors.save(file, Map.of("x", NDArray.of(values, values.length)));
        float[] back = SafeTensors.load(file).get("x").toArray();
        for (int i = 0; i < values.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
        }
    }

    @Test
    void roundTripsLargeTensorsAcrossChunks() {
        NDArray big = NDArray.randn(new SplittableRandom(1), 3 * SafeTensors.CHUNK_FLOATS + 17);
        Path file = dir.resolve("big.safetensors");
        SafeTensors.save(file, Map.of("big", big));
        assertThat(SafeTensors.load(file).get("big")).isEqualTo(big);
    }

    @Test
    void emptyMapRoundTrips() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafeTensors.save(file, Map.of());
        assertThat(SafeTensors.load(file)).isEmpty();
        assertThat(Files.size(file)).isEqualTo(16);
    }

    @Test
    void writesTheDocumentedLayout() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("w", NDArray.of(new float[] {1f, 2f}, 2));
        m.put("s", NDArray.scalar(3f));
        SafeTensors.save(file, m);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong();
        assertThat(n % 8).isZero();
        String header = new String(b.array(), 8, n, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).isEqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}");
        b.position(8 + n);
        assertThat(new float[] {b.getFloat(), b.getFloat(), b.getFloat()}).containsExactly(1f, 2f, 3f);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void metadataRoundTrips() {
        Path file = dir.resolve("meta.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "quote \" and\nnewline, ünïcode");
        SafeTensors.save(file, Map.of("x", NDArray.ones(2)), meta);

        assertThat(SafeTensors.metadata(file)).containsExactlyEntriesOf(meta);
        assertThat(SafeTensors.load(file)).containsOnlyKeys("x");
    }

    @Test
    void saveIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.save(file, sample());
        SafeTensors.save(file, Map.of("only", NDArray.ones(1)));

        assertThat(SafeTensors.load(file)).containsOnlyKeys("only");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(file);
        }
    }

    @Test
    void failedSaveLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("missing-dir").resolve("m.safetensors");
        assertThatThrownBy(() -> SafeTensors.save(file, sample()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("SafeTensors.save: cannot write");
        Map<String, NDArray> bad = new LinkedHashMap<>();
        bad.put("__metadata__", NDArray.ones(1));
        assertThatThrownBy(() -> SafeTensors.save(dir.resolve("x.safetensors"), bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.save: tensor name __metadata__ is reserved");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void rejectsFileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("tiny"), new byte[5]);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.load: truncated: 5 bytes")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsHeaderLengthBeyondFileSize() throws IOException {
        Path file = craft(1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header length 1000 exceeds the file size 10")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsHeaderLengthOverLimit() throws IOException {
        Path file = craft(SafeTensors.MAX_HEADER_BYTES + 1, new byte[0], new byte[0]);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header length 100000001 exceeds the limit of 100000000 bytes");
        Path unsigned = craft(-1L, new byte[0], new byte[0]);
        assertThatThrownBy(() -> SafeTensors.load(unsigned))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header length 18446744073709551615 exceeds the limit");
    }

    @Test
    void rejectsInvalidJson() throws IOException {
        Path file = craft("{\"x\":{\"dtype\":\"F32\",", 0);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SafeTensors.load: header is invalid JSON at offset")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsInvalidUtf8AndNonObjectHeaders() throws IOException {
        Path file = craft(2, new byte[] {'"', (byte) 0xC3}, new byte[0]);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header is not valid UTF-8");
        Path array = craft("[]", 0);
        assertThatThrownBy(() -> SafeTensors.load(array))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header is not a JSON object");
    }

    @Test
    void rejectsUnsupportedDtype() throws IOException {
        Path file = craft("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'h' has unsupported dtype F16 (F32 and I64 are supported)")
                .hasMessageContaining(file.toString());
    }

    @Test
    void int64EntriesOfAStateDictRoundTripAsI64() throws IOException {
        Path file = dir.resolve("bn.safetensors");
        StateDict state = new StateDict();
        state.put("1.running_mean", NDArray.of(new float[] {0.5f, -1f}, 2));
        state.putInteger("1.num_batches_tracked", NDArray.scalar(16_777_216f));
        state.putInteger("steps", NDArray.of(new float[] {-3, 0, 7}, 3));
        SafeTensors.save(file, state);

        String header = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertThat(header).contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]");
        assertThat(header).contains("\"1.running_mean\":{\"dtype\":\"F32\"");
        StateDict loaded = SafeTensors.load(file);
        assertThat(loaded).isEqualTo(state);
        assertThat(loaded.integerNames()).containsExactly("1.num_batches_tracked", "steps");
        assertThat(loaded.isInteger("1.running_mean")).isFalse();
    }

    @Test
    void readsI64WrittenByHandAndRejectsValuesBeyondFloatPrecision() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-(1L << 24));
        Path ok = craft("{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", data.array());
        assertThat(SafeTensors.load(ok).get("n").toArray()).containsExactly(5f, -16_777_216f);

        ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong((1L << 24) + 1);
        Path bad = craft("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", big.array());
        assertThatThrownBy(() -> SafeTensors.load(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'n' holds the I64 value 16777217")
                .hasMessageContaining(bad.toString());

        Path shortI64 = craft("{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafeTensors.load(shortI64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 16 bytes of I64");
    }

    @Test
    void refusesToWriteANonIntegerIntoAnIntegerEntry() {
        StateDict state = new StateDict();
        state.put("x", NDArray.scalar(0.5f));
        Map<String, NDArray> viaMap = state;
        assertThatThrownBy(() -> state.putInteger("y", NDArray.scalar(0.5f)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an integer");
        SafeTensors.save(dir.resolve("f.safetensors"), viaMap);
        assertThat(SafeTensors.load(dir.resolve("f.safetensors")).integerNames()).isEmpty();
    }

    private Path craft(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return craft(h.length, h, data);
    }

    @Test
    void rejectsShapeThatDoesNotMatchTheByteRange() throws IOException {
        Path file = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'w' shape [2, 3] needs 24 bytes of F32 but data_offsets [0, 20] hold 20");
    }

    @Test
    void rejectsMalformedShapes() throws IOException {
        for (String shape : List.of("[-1]", "[1.5]", "\"2\"", "[4294967296]")) {
            Path file = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,4]}}", 4);
            assertThatThrownBy(() -> SafeTensors.load(file))
                    .as(shape)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'w'")
                    .hasMessageContaining("shape");
        }
        Path huge = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4);
        assertThatThrownBy(() -> SafeTensors.load(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has more than 2147483639 elements");
    }

    @Test
    void rejectsNegativeOrMalformedOffsets() throws IOException {
        for (String offsets : List.of("[-4,0]", "[0]", "[0,4,8]", "[0.0,4]", "null")) {
            Path file = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" + offsets + "}}", 4);
            assertThatThrownBy(() -> SafeTensors.load(file))
                    .as(offsets)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'w' data_offsets must be two non-negative integers");
        }
        Path reversed = craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4);
        assertThatThrownBy(() -> SafeTensors.load(reversed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data_offsets [4, 0] end before they begin");
    }

    @Test
    void rejectsOverlappingOffsets() throws IOException {
        Path file = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensors 'a' and 'b' overlap: data_offsets [0, 8] and [4, 12]");
    }

    @Test
    void rejectsOffsetsBeyondTheDataOfATruncatedFile() throws IOException {
        Path file = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10);
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'a' data_offsets [0, 16] are out of range: the data section holds 10 bytes");
        Path huge = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[500000000],\"data_offsets\":[0,2000000000]}}", 0);
        assertThatThrownBy(() -> SafeTensors.load(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void rejectsTruncatedSavedFile() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.save(file, sample());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range")
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsGapsAndTrailingBytes() throws IOException {
        Path gap = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertThatThrownBy(() -> SafeTensors.load(gap))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gap in the data section: bytes [0, 4) belong to no tensor");
        Path trailing = craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6);
        assertThatThrownBy(() -> SafeTensors.load(trailing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the data section holds 6 bytes but the tensors cover 4");
    }

    @Test
    void rejectsMalformedEntries() throws IOException {
        Path notObject = craft("{\"a\":[1]}", 0);
        assertThatThrownBy(() -> SafeTensors.load(notObject))
                .hasMessageContaining("tensor 'a' is not an object");
        Path noDtype = craft("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", 4);
        assertThatThrownBy(() -> SafeTensors.load(noDtype))
                .hasMessageContaining("tensor 'a' has no dtype string");
        Path badMeta = craft("{\"__metadata__\":{\"k\":1}}", 0);
        assertThatThrownBy(() -> SafeTensors.load(badMeta))
                .hasMessageContaining("__metadata__ value of \"k\" is not a string");
    }

    @Test
    void acceptsPaddedHeaderAndOffsetsOutOfHeaderOrder() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).putFloat(3f);
        byte[] h = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}   "
                .getBytes(StandardCharsets.UTF_8);
        Path file = craft(h.length, h, data.array());
        Map<String, NDArray> loaded = SafeTensors.load(file);
        assertThat(loaded.keySet()).containsExactly("b", "a");
        assertThat(loaded.get("a").toArray()).containsExactly(1f, 2f);
        assertThat(loaded.get("b").toArray()).containsExactly(3f);
    }

    @Test
    void missingFileIsAnIoFailure() {
        Path file = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> SafeTensors.load(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("SafeTensors.load: cannot read")
                .hasMessageContaining(file.toString());
    }
}
