package dev.grad4j.fuzz;

import dev.grad4j.data.DataLoader;
import dev.grad4j.data.IdxReader;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Linear;
import dev.grad4j.nn.optim.Adam;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;
import dev.grad4j.train.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Mutation fuzzing of the file readers: valid safetensors, checkpoint and IDX files (raw and
 * gzipped) are mutated (bit flips, interesting bytes and integers, truncation, chunk insertion and
 * deletion, edits of the JSON header, splices of two files) and handed to every reader. A reader may
 * return or throw {@link IllegalArgumentException}; any other exception or error is a finding, and
 * its input is kept under {@code target/fuzz-findings}. The run is fixed by its seed.
 *
 * <p>Run in the test suite for a few seconds ({@code FileFuzzTest}) and for longer on demand:
 * {@code examples/run fuzz SECONDS [SEED]}.
 */
public final class FileFuzzer {

    /** The outcome of a run. */
    public record Stats(long executions, long accepted, long rejected, List<String> findings, double slowestMillis) {
    }

    private interface Reader {
        void read(Path file);
    }

    private static final String[] READER_NAMES = {"SafeTensors.load", "SafeTensors.metadata", "Checkpoint.load",
        "IdxReader.readImages", "IdxReader.readLabels"};
    private static final Reader[] READERS = {SafeTensors::load, SafeTensors::metadata, Checkpoint::load,
        IdxReader::readImages, IdxReader::readLabels};
    private static final int[] INTERESTING = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Integer.MAX_VALUE - 8, 46341, 65536, 100_000_001};
    private static final String JSON_CHARS = "0123456789-.,:[]{}\"eE +\\u";

    private FileFuzzer() {
    }

    /** Runs for {@code seconds} from {@code seed}, in {@code dir}. */
    public static Stats run(double seconds, long seed, Path dir) throws IOException {
        List<byte[]> seeds = seeds(dir);
        List<Integer> kinds = List.of(0, 0, 1, 2, 2, 2, 2); // 0 safetensors, 1 checkpoint, 2 idx (per seed below)
        SplittableRandom random = new SplittableRandom(seed);
        Path file = dir.resolve("fuzz.input");
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long executions = 0;
        long accepted = 0;
        long rejected = 0;
        double slowest = 0;
        List<String> findings = new ArrayList<>();
        while (System.nanoTime() < end && findings.size() < 10) {
            int s = random.nextInt(seeds.size());
            byte[] input = mutate(seeds.get(s), seeds, kinds.get(s) != 2, random);
            Files.write(file, input);
            int first = kinds.get(s) == 0 ? 0 : kinds.get(s) == 1 ? 2 : 3;
            int[] readers = {first, first + 1 < READERS.length ? first + 1 : first, random.nextInt(READERS.length)};
            for (int r : readers) {
                long t0 = System.nanoTime();
                try {
                    READERS[r].read(file);
                    accepted++;
                } catch (IllegalArgumentException expected) {
                    rejected++;
                } catch (Throwable t) {
                    Path kept = keep(input, READER_NAMES[r], findings.size());
                    findings.add(READER_NAMES[r] + ": " + t + " (input " + kept + ")");
                }
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e6);
                executions++;
            }
        }
        return new Stats(executions, accepted, rejected, findings, slowest);
    }

    private static Path keep(byte[] input, String reader, int n) {
        try {
            Path out = Path.of("target", "fuzz-findings");
            Files.createDirectories(out);
            return Files.write(out.resolve(reader + "-" + ProcessHandle.current().pid() + "-" + n + ".bin"), input);
        } catch (IOException e) {
            return Path.of("(not kept: " + e.getMessage() + ")");
        }
    }

    /** The valid files mutations start from; kinds as listed in {@link #run}. */
    static List<byte[]> seeds(Path dir) throws IOException {
        List<byte[]> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        StateDict tensors = new StateDict();
        tensors.put("layer.weight", NDArray.randn(r, 2, 3));
        tensors.put("scalar", NDArray.scalar(1.5f));
        tensors.put("empty", NDArray.zeros(0, 2));
        tensors.putInteger("count", NDArray.of(new float[] {3, -4}, 2));
        Path st = dir.resolve("seed.safetensors");
        SafeTensors.save(st, tensors, Map.of("format", "pt", "note", "caf\u00e9"));
        out.add(Files.readAllBytes(st));
        try (var torchFile = FileFuzzer.class.getResourceAsStream("/interop/torch_mlp_6_16_16_4.safetensors")) {
            out.add(java.util.Objects.requireNonNull(torchFile, "interop fixture not on the class path").readAllBytes());
        }
        Linear model = new Linear(3, 2, new SplittableRandom(2));
        Path ck = dir.resolve("seed.ckpt");
        Checkpoint.save(ck, model, new Adam(model.parameters(), 1e-3f), new DataLoader.State(7, 2, 1),
                Map.of("step", "12"));
        out.add(Files.readAllBytes(ck));
        byte[] images = idx(0x803, new int[] {2, 3, 4}, 24);
        byte[] labels = idx(0x801, new int[] {5}, 5);
        out.add(images);
        out.add(labels);
        out.add(gzip(images));
        out.add(gzip(labels));
        return out;
    }

    private static byte[] idx(int magic, int[] dims, int n) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + n);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < n; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    /** Applies one to four random mutations. */
    static byte[] mutate(byte[] seed, List<byte[]> all, boolean json, SplittableRandom r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            int len = b.length;
            switch (r.nextInt(json ? 9 : 8)) {
                case 0 -> {
                    if (len > 0) {
                        int i = r.nextInt(len);
                        b[i] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    if (len > 0) {
                        b[r.nextInt(len)] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                }
                case 2 -> b = java.util.Arrays.copyOf(b, len == 0 ? 0 : r.nextInt(len));
                case 3 -> { // insert a copy of a chunk
                    if (len > 0) {
                        int from = r.nextInt(len);
                        int n = 1 + r.nextInt(Math.min(64, len - from));
                        int at = r.nextInt(len + 1);
                        byte[] c = new byte[len + n];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, from, c, at, n);
                        System.arraycopy(b, at, c, at + n, len - at);
                        b = c;
                    }
                }
                case 4 -> { // delete a chunk
                    if (len > 1) {
                        int at = r.nextInt(len);
                        int n = 1 + r.nextInt(Math.min(64, len - at));
                        byte[] c = new byte[len - n];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + n, c, at, len - at - n);
                        b = c;
                    }
                }
                case 5, 6 -> { // an interesting integer, little- or big-endian, 4 or 8 bytes wide
                    int width = r.nextBoolean() ? 4 : 8;
                    if (len >= width) {
                        int at = r.nextInt(4) == 0 ? 0 : r.nextInt(len - width + 1);
                        long v = INTERESTING[r.nextInt(INTERESTING.length)];
                        ByteBuffer buf = ByteBuffer.wrap(b, at, width);
                        buf.order(r.nextBoolean() ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
                        if (width == 4) {
                            buf.putInt((int) v);
                        } else {
                            buf.putLong(v);
                        }
                    }
                }
                case 7 -> { // splice: this file's head, another's tail
                    byte[] other = all.get(r.nextInt(all.size()));
                    int cut = len == 0 ? 0 : r.nextInt(len);
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    byte[] c = new byte[cut + other.length - from];
                    System.arraycopy(b, 0, c, 0, cut);
                    System.arraycopy(other, from, c, cut, other.length - from);
                    b = c;
                }
                default -> { // an edit inside the JSON header of a safetensors file
                    if (len > 8) {
                        long n = ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                        long hi = Math.min(len, 8 + Math.max(0, Math.min(n, len)));
                        if (hi > 8) {
                            b[8 + r.nextInt((int) (hi - 8))] = (byte) JSON_CHARS.charAt(r.nextInt(JSON_CHARS.length()));
                        }
                    }
                }
            }
        }
        return b;
    }

    /** Command line: {@code SECONDS [SEED]}; prints the statistics and exits 1 on findings. */
    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path dir = Files.createTempDirectory("grad4j-fuzz");
        Stats s = run(seconds, seed, dir);
        System.out.printf(java.util.Locale.ROOT, "{\"fuzz\":\"file_readers\",\"seed\":%d,\"seconds\":%.1f,"
                + "\"executions\":%d,\"accepted\":%d,\"rejected\":%d,\"findings\":%d,\"slowest_ms\":%.1f}%n",
                seed, seconds, s.executions(), s.accepted(), s.rejected(), s.findings().size(), s.slowestMillis());
        s.findings().forEach(System.out::println);
        if (!s.findings().isEmpty()) {
            System.exit(1);
        }
    }
}
