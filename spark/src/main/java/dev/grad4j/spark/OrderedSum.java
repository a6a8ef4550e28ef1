package dev.grad4j.spark;

import java.io.Serializable;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A sum of per-partition float vectors whose rounding does not depend on the order in which the
 * partitions' results arrive.
 *
 * <p>The vectors are leaves of a fixed binary tree over the partition indices: node
 * {@code (level, i)} is the sum of leaves {@code [i 2^level, (i+1) 2^level)}, formed as
 * {@code left + right} the moment both children are present. Float addition is commutative, so a
 * node's value depends only on the tree, never on arrival order or on how Spark's
 * {@code treeAggregate} groups partial results. {@link #total()} adds the remaining maximal nodes
 * from left to right. A {@code null} vector stands for zeros (an empty shard) and costs nothing to
 * ship. Not thread-safe; Spark uses each instance from one thread at a time.
 */
final class OrderedSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Nodes by key {@code level << 32 | index}; an absent value array means all zeros. */
    private final TreeMap<Long, float[]> nodes = new TreeMap<>();
    private final TreeSet<Long> present = new TreeSet<>();
    private int leaves;

    /** One partition's vector ({@code null} for zeros), the leaf at {@code partition}. */
    static OrderedSum leaf(int partition, float[] vector) {
        OrderedSum s = new OrderedSum();
        s.insert(0, partition, vector);
        s.leaves = 1;
        return s;
    }

    /** Adds the nodes of {@code other} to this sum; returns this (Spark's seqOp and combOp). */
    OrderedSum merge(OrderedSum other) {
        for (long key : other.present) {
            insert((int) (key >>> 32), (int) key, other.nodes.get(key));
        }
        leaves += other.leaves;
        return this;
    }

    /** The number of partitions summed so far. */
    int leaves() {
        return leaves;
    }

    /** The sum of every leaf ({@code null} if every leaf was zeros), maximal nodes added left to right. */
    float[] total() {
        TreeMap<Long, Long> byStart = new TreeMap<>();
        for (long key : present) {
            int level = (int) (key >>> 32);
            long index = (int) key;
            byStart.put(index << level, key);
        }
        float[] sum = null;
        for (long key : byStart.values()) {
            sum = add(sum, nodes.get(key));
        }
        return sum;
    }

    private void insert(int level, int index, float[] value) {
        while (true) {
            long sibling = key(level, index ^ 1);
            if (!present.contains(sibling)) {
                present.add(key(level, index));
                if (value != null) {
                    nodes.put(key(level, index), value);
                }
                return;
            }
            present.remove(sibling);
            float[] other = nodes.remove(sibling);
            value = (index & 1) == 0 ? add(value, other) : add(other, value);
            level++;
            index >>>= 1;
        }
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | (index & 0xFFFFFFFFL);
    }

    /** {@code left + right} elementwise into a new array; {@code null} is zeros. */
    private static float[] add(float[] left, float[] right) {
        if (left == null) {
            return right;
        }
        if (right == null) {
            return left;
        }
        if (left.length != right.length) {
            throw new IllegalStateException("OrderedSum: vectors of length " + left.length + " and " + right.length);
        }
        float[] out = new float[left.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = left[i] + right[i];
        }
        return out;
    }
}
