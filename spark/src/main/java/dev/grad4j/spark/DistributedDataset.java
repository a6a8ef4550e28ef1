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
 * integer class labels, packed once into one block per partition and cached.
 *
 * <p>Every example has a global index: the number of examples in the partitions before its own
 * plus its position in its partition. The index depends only on the partitioning of the input,
 * never on the executors or the number of cores, so a global batch of indices is cut into the
 * same shards on {@code local[1]} as on a cluster.
 *
 * <pre>{@code
 * DistributedDataset train = DistributedDataset.fromVectors(rdd, 784);                       // JavaRDD<LabeledVector>
 * DistributedDataset test = DistributedDataset.fromRows(spark.table("digits"), "pixels", "label", 784);
 * }</pre>
 */
public final class DistributedDataset {

    private final JavaRDD<Block> blocks;
    private final int width;
    private final int[] counts;
    private final long[] offsets;
    private final long size;

    private DistributedDataset(JavaRDD<Block> blocks, int width, int[] counts) {
        this.blocks = blocks;
        this.width = width;
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
        JavaRDD<Block> blocks = rows.mapPartitionsWithIndex(
                (p, it) -> Collections.singletonList(Block.pack(p, it, width)).iterator(), true);
        blocks.persist(StorageLevel.MEMORY_ONLY());
        List<Integer> sizes = SparkJobs.run(() -> blocks.map(Block::size).collect());
        int[] counts = sizes.stream().mapToInt(Integer::intValue).toArray();
        long total = Arrays.stream(counts).asLongStream().sum();
        if (total > Integer.MAX_VALUE) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("DistributedDataset: more than Integer.MAX_VALUE examples: " + total);
        }
        return new DistributedDataset(blocks, width, counts);
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

    /** The number of features of every example. */
    public int width() {
        return width;
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

    /** Returns {@code DistributedDataset[10000 examples, width 784, 4 partitions]}. */
    @Override
    public String toString() {
        return "DistributedDataset[" + size + " examples, width " + width + ", " + counts.length + " partitions]";
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
