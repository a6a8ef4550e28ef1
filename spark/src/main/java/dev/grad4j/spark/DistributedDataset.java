package dev.grad4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A labelled training or test set spread over a Spark cluster: feature vectors of one width and
 * integer class labels, or token sequences of one length and their target ids (for sequence
 * models), packed once into one block per partition and cached.
 *
 * <p>Every example has a global index: the number of examples in the partitions before its own
 * plus its position in its partition. The index depends only on the partitioning of the input,
 * never on the executors or the number of cores, so a global batch of indices is cut into the
 * same shards on {@code local[1]} as on a cluster.
 *
 * <pre>{@code
 * DistributedDataset train = DistributedDataset.fromVectors(rdd, 784);                       // JavaRDD<LabeledVector>
 * DistributedDataset test = DistributedDataset.fromRows(spark.table("digits"), "pixels", "label", 784);
 * DistributedDataset text = DistributedDataset.fromTokens(windows, 64);                      // JavaRDD<int[]> of 65 ids
 * }</pre>
 */
public final class DistributedDataset {

    private final JavaRDD<Block> blocks;
    private final int width;
    private final boolean sequences;
    private final int[] counts;
    private final long[] offsets;
    private final long size;

    private DistributedDataset(JavaRDD<Block> blocks, int width, boolean sequences, int[] counts) {
        this.blocks = blocks;
        this.width = width;
        this.sequences = sequences;
        this.counts = counts;
        this.offsets = new long[counts.length + 1];
        for (int p = 0; p < counts.length; p++) {
            offsets[p + 1] = offsets[p] + counts[p];
        }
        this.size = offsets[counts.length];
    }

    /**
     * Packs and caches {@code rows}, keeping its partitioning. Runs one Spark job, which checks
     * every row.
     *
     * @param rows the examples
     * @param width the number of features every row must have
     * @return the cached dataset
     * @throws IllegalArgumentException if {@code width <= 0}, a row is null or has another width
     *     (the message names the partition, the row and both widths), or the set has more than
     *     {@code Integer.MAX_VALUE} examples
     */
    public static DistributedDataset fromVectors(JavaRDD<LabeledVector> rows, int width) {
        Objects.requireNonNull(rows, "DistributedDataset: rows is null");
        if (width <= 0) {
            throw new IllegalArgumentException("DistributedDataset: width must be positive, got " + width);
        }
        return cache(rows.mapPartitionsWithIndex(
                (p, it) -> Collections.singletonList(Block.pack(p, it, width)).iterator(), true), width, false);
    }

    /** Caches the packed blocks and counts them (one Spark job, which checks every row). */
    private static DistributedDataset cache(JavaRDD<Block> blocks, int width, boolean sequences) {
        blocks.persist(StorageLevel.MEMORY_ONLY());
        List<Integer> sizes;
        try {
            sizes = SparkJobs.run(() -> blocks.map(Block::size).collect());
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
        int[] counts = sizes.stream().mapToInt(Integer::intValue).toArray();
        long total = Arrays.stream(counts).asLongStream().sum();
        if (total > Integer.MAX_VALUE) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("DistributedDataset: more than Integer.MAX_VALUE examples: " + total);
        }
        return new DistributedDataset(blocks, width, sequences, counts);
    }

    /**
     * Packs and caches token sequences of one length for a sequence model, keeping the
     * partitioning. A step's batch is then inputs {@code [n, length]} and targets
     * {@code [n, length]} ({@code Batch(IntArray, IntArray)}). Runs one Spark job, which checks
     * every row.
     *
     * @param rows the examples
     * @param length the number of positions every sequence must have
     * @return the cached dataset
     * @throws IllegalArgumentException if {@code length <= 0}, a row is null or has another length
     *     (the message names the partition, the row and both lengths), or the set has more than
     *     {@code Integer.MAX_VALUE} examples
     */
    public static DistributedDataset fromSequences(JavaRDD<TokenSequence> rows, int length) {
        Objects.requireNonNull(rows, "DistributedDataset: rows is null");
        requirePositiveLength(length);
        return cache(rows.mapPartitionsWithIndex(
                (p, it) -> Collections.singletonList(Block.packSequences(p, it, length)).iterator(), true), length, true);
    }

    /**
     * Packs and caches windows of {@code length + 1} token ids as next-token sequences: inputs
     * the first {@code length} ids of a window, targets the last {@code length} (as
     * {@link TokenSequence#window(int[])}), keeping the partitioning.
     *
     * @param windows token ids, {@code length + 1} per row
     * @param length the sequence length {@code T} (every window has {@code T + 1} ids)
     * @return the cached dataset
     * @throws IllegalArgumentException if {@code length <= 0}, a row is null or does not have
     *     {@code length + 1} ids (the message names the partition, the row and both lengths)
     */
    public static DistributedDataset fromTokens(JavaRDD<int[]> windows, int length) {
        Objects.requireNonNull(windows, "DistributedDataset: windows is null");
        requirePositiveLength(length);
        return cache(windows.mapPartitionsWithIndex(
                (p, it) -> Collections.singletonList(Block.packWindows(p, it, length)).iterator(), true), length, true);
    }

    /**
     * Reads a {@code Dataset<Row>} whose column {@code tokensColumn} ({@code array<int>} or
     * {@code array<long>}) holds windows of {@code length + 1} token ids, as
     * {@link #fromTokens(JavaRDD, int)} does, keeping the partitioning.
     *
     * @param rows the table
     * @param tokensColumn name of the token array column
     * @param length the sequence length {@code T} (every window has {@code T + 1} ids)
     * @return the cached dataset
     * @throws IllegalArgumentException if the column is missing, a value is null or not an int, or
     *     a window does not have {@code length + 1} ids
     */
    public static DistributedDataset fromTokenRows(Dataset<Row> rows, String tokensColumn, int length) {
        Objects.requireNonNull(rows, "DistributedDataset: rows is null");
        int ti = columnIndex(rows, tokensColumn);
        return fromTokens(rows.javaRDD().map(r -> toTokens(r, ti, tokensColumn)), length);
    }

    /**
     * Reads a {@code Dataset<Row>} with an input column and a target column of token ids
     * ({@code array<int>} or {@code array<long>}, {@code length} ids each), keeping the
     * partitioning.
     *
     * @param rows the table
     * @param inputsColumn name of the input ids column
     * @param targetsColumn name of the target ids column
     * @param length the number of positions every sequence must have
     * @return the cached dataset
     * @throws IllegalArgumentException if a column is missing, a value is null or not an int, the
     *     two arrays of a row differ in length, or a sequence has another length
     */
    public static DistributedDataset fromTokenRows(Dataset<Row> rows, String inputsColumn, String targetsColumn,
            int length) {
        Objects.requireNonNull(rows, "DistributedDataset: rows is null");
        int xi = columnIndex(rows, inputsColumn);
        int yi = columnIndex(rows, targetsColumn);
        return fromSequences(rows.javaRDD().map(r -> new TokenSequence(toTokens(r, xi, inputsColumn),
                toTokens(r, yi, targetsColumn))), length);
    }

    private static void requirePositiveLength(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("DistributedDataset: length must be positive, got " + length);
        }
    }

    private static int columnIndex(Dataset<Row> rows, String column) {
        List<String> columns = Arrays.asList(rows.columns());
        if (!columns.contains(column)) {
            throw new IllegalArgumentException("DistributedDataset: no column " + column + " in " + columns);
        }
        return columns.indexOf(column);
    }

    private static int[] toTokens(Row r, int ci, String column) {
        if (r.isNullAt(ci)) {
            throw new IllegalArgumentException("DistributedDataset: null " + column + " in row " + r);
        }
        List<Object> xs = r.getList(ci);
        int[] ids = new int[xs.size()];
        for (int i = 0; i < ids.length; i++) {
            Object v = xs.get(i);
            if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)
                    || ((Number) v).longValue() != ((Number) v).intValue()) {
                throw new IllegalArgumentException("DistributedDataset: token " + i + " of column " + column
                        + " is " + v + ", not an int token id");
            }
            ids[i] = ((Number) v).intValue();
        }
        return ids;
    }

    /**
     * Reads a {@code Dataset<Row>} with a feature column of type {@code array<float>} or
     * {@code array<double>} and an integral label column, keeping its partitioning.
     *
     * @param rows the table
     * @param featuresColumn name of the feature array column
     * @param labelColumn name of the label column (int, long, or a whole-valued double)
     * @param width the number of features every row must have
     * @return the cached dataset
     * @throws IllegalArgumentException if a column is missing, a value is null, a label is not an
     *     integer, or a feature array has another width
     */
    public static DistributedDataset fromRows(Dataset<Row> rows, String featuresColumn, String labelColumn, int width) {
        Objects.requireNonNull(rows, "DistributedDataset: rows is null");
        List<String> columns = Arrays.asList(rows.columns());
        for (String c : new String[] {featuresColumn, labelColumn}) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException("DistributedDataset: no column " + c + " in " + columns);
            }
        }
        int fi = columns.indexOf(featuresColumn);
        int li = columns.indexOf(labelColumn);
        return fromVectors(rows.javaRDD().map(r -> toVector(r, fi, li, featuresColumn, labelColumn)), width);
    }

    private static LabeledVector toVector(Row r, int fi, int li, String featuresColumn, String labelColumn) {
        if (r.isNullAt(fi) || r.isNullAt(li)) {
            throw new IllegalArgumentException("DistributedDataset: null " + (r.isNullAt(fi) ? featuresColumn : labelColumn)
                    + " in row " + r);
        }
        List<Object> xs = r.getList(fi);
        float[] x = new float[xs.size()];
        for (int i = 0; i < x.length; i++) {
            Object v = xs.get(i);
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("DistributedDataset: feature " + i + " of column " + featuresColumn
                        + " is " + v + ", not a number");
            }
            x[i] = n.floatValue();
        }
        Object label = r.get(li);
        if (!(label instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("DistributedDataset: label column " + labelColumn + " holds " + label
                    + ", not an integer class id");
        }
        return new LabeledVector(x, n.intValue());
    }

    /** The number of features of every example, or of positions of every token sequence. */
    public int width() {
        return width;
    }

    /** Whether the examples are token sequences (inputs and targets {@code [width]}) rather than feature vectors. */
    public boolean sequences() {
        return sequences;
    }

    /** The number of examples. */
    public int size() {
        return (int) size;
    }

    /** The number of partitions (shards). */
    public int partitions() {
        return counts.length;
    }

    /** The number of examples in each partition, in partition order. */
    public int[] partitionSizes() {
        return counts.clone();
    }

    /** Drops the cached blocks. */
    public void unpersist() {
        blocks.unpersist(false);
    }

    JavaRDD<Block> blocks() {
        return blocks;
    }

    /**
     * Cuts a global batch of indices into one shard per partition: the positions within that
     * partition, in the order the indices appear in the batch.
     */
    int[][] shard(int[] globalIndices) {
        int[] perPartition = new int[counts.length];
        int[] owner = new int[globalIndices.length];
        for (int i = 0; i < globalIndices.length; i++) {
            int g = globalIndices[i];
            if (g < 0 || g >= size) {
                throw new IllegalArgumentException("DistributedDataset: index " + g + " outside [0, " + size + ")");
            }
            int p = Arrays.binarySearch(offsets, g);
            p = p >= 0 ? p : -p - 2;
            while (counts[p] == 0 || g >= offsets[p + 1]) {
                p++;   // skip empty partitions that share the offset
            }
            owner[i] = p;
            perPartition[p]++;
        }
        int[][] shards = new int[counts.length][];
        for (int p = 0; p < counts.length; p++) {
            shards[p] = new int[perPartition[p]];
        }
        int[] filled = new int[counts.length];
        for (int i = 0; i < globalIndices.length; i++) {
            int p = owner[i];
            shards[p][filled[p]++] = (int) (globalIndices[i] - offsets[p]);
        }
        return shards;
    }

    /**
     * Returns {@code DistributedDataset[10000 examples, width 784, 4 partitions]} or
     * {@code DistributedDataset[500 sequences, length 64, 4 partitions]}.
     */
    @Override
    public String toString() {
        return "DistributedDataset[" + size + (sequences ? " sequences, length " : " examples, width ") + width + ", "
                + counts.length + " partitions]";
    }

    /** Runs Spark jobs, rethrowing an IllegalArgumentException raised in a task as itself. */
    static final class SparkJobs {

        private SparkJobs() {
        }

        /** A Spark action. */
        interface Action<T> {
            T run();
        }

        static <T> T run(Action<T> action) {
            try {
                return action.run();
            } catch (Exception e) {   // Spark throws SparkException (checked) undeclared
                List<Throwable> seen = new ArrayList<>();
                for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
                    seen.add(t);
                    if (t instanceof IllegalArgumentException iae) {
                        throw new IllegalArgumentException(iae.getMessage(), e);
                    }
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException("Spark job failed: " + e.getMessage(), e);
            }
        }
    }
}
