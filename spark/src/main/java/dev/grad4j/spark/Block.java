package dev.grad4j.spark;

import dev.grad4j.data.Batch;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.io.Serializable;
import java.util.Iterator;

/**
 * The examples of one partition, packed: either features {@code [size, width]} row-major and
 * labels {@code [size]}, or token sequences: inputs {@code [size, width]} and targets
 * {@code [size, width]}. The element of a {@link DistributedDataset}'s cached RDD (one per
 * partition).
 */
final class Block implements Serializable {

    private static final long serialVersionUID = 1L;

    final int width;
    /** {@code [size, width]}, or null for token sequences. */
    final float[] features;
    /** Token ids {@code [size, width]}, or null for feature vectors. */
    final int[] inputs;
    /** {@code [size]} for feature vectors, {@code [size, width]} for token sequences. */
    final int[] labels;

    private Block(int width, float[] features, int[] inputs, int[] labels) {
        this.width = width;
        this.features = features;
        this.inputs = inputs;
        this.labels = labels;
    }

    int size() {
        return inputs == null ? labels.length : labels.length / width;
    }

    /** Packs the examples of partition {@code partition}, checking that each has {@code width} features. */
    static Block pack(int partition, Iterator<LabeledVector> rows, int width) {
        FloatBuffer x = new FloatBuffer();
        IntBuffer y = new IntBuffer();
        int row = 0;
        while (rows.hasNext()) {
            LabeledVector v = rows.next();
            if (v == null) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " is null");
            }
            if (v.width() != width) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " has " + v.width() + " features, expected " + width);
            }
            x.append(v, width);
            y.append(v.label());
            row++;
        }
        return new Block(width, x.trimmed(), null, y.trimmed());
    }

    /** Packs the token sequences of partition {@code partition}, checking that each has {@code length} positions. */
    static Block packSequences(int partition, Iterator<TokenSequence> rows, int length) {
        IntBuffer x = new IntBuffer();
        IntBuffer y = new IntBuffer();
        int row = 0;
        while (rows.hasNext()) {
            TokenSequence s = rows.next();
            if (s == null) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " is null");
            }
            if (s.length() != length) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " has " + s.length() + " tokens, expected " + length);
            }
            x.reserve(length);
            y.reserve(length);
            s.copyTo(x.data, y.data, x.size);
            x.size += length;
            y.size += length;
            row++;
        }
        return new Block(length, null, x.trimmed(), y.trimmed());
    }

    /**
     * Packs windows of {@code length + 1} tokens of partition {@code partition} as next-token
     * sequences (inputs the first {@code length}, targets the last {@code length}).
     */
    static Block packWindows(int partition, Iterator<int[]> rows, int length) {
        IntBuffer x = new IntBuffer();
        IntBuffer y = new IntBuffer();
        int row = 0;
        while (rows.hasNext()) {
            int[] w = rows.next();
            if (w == null) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " is null");
            }
            if (w.length != length + 1) {
                throw new IllegalArgumentException("DistributedDataset: row " + row + " of partition " + partition
                        + " has " + w.length + " tokens, expected " + (length + 1) + " (a sequence of length "
                        + length + " and its next token)");
            }
            x.reserve(length);
            y.reserve(length);
            System.arraycopy(w, 0, x.data, x.size, length);
            System.arraycopy(w, 1, y.data, y.size, length);
            x.size += length;
            y.size += length;
            row++;
        }
        return new Block(length, null, x.trimmed(), y.trimmed());
    }

    /**
     * The examples at {@code positions} (in that order) as a batch: features {@code [n, width]}
     * and labels {@code [n]}, or inputs and targets {@code [n, width]}.
     */
    Batch gather(int[] positions) {
        if (inputs != null) {
            int[] x = new int[positions.length * width];
            int[] y = new int[positions.length * width];
            for (int i = 0; i < positions.length; i++) {
                System.arraycopy(inputs, positions[i] * width, x, i * width, width);
                System.arraycopy(labels, positions[i] * width, y, i * width, width);
            }
            return new Batch(IntArray.wrap(x, positions.length, width), IntArray.wrap(y, positions.length, width));
        }
        float[] x = new float[positions.length * width];
        int[] y = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(features, positions[i] * width, x, i * width, width);
            y[i] = labels[positions[i]];
        }
        return new Batch(NDArray.wrap(x, positions.length, width), y);
    }

    /** Examples {@code [from, to)} as a batch. */
    Batch slice(int from, int to) {
        if (inputs != null) {
            int n = to - from;
            int[] x = new int[n * width];
            int[] y = new int[n * width];
            System.arraycopy(inputs, from * width, x, 0, x.length);
            System.arraycopy(labels, from * width, y, 0, y.length);
            return new Batch(IntArray.wrap(x, n, width), IntArray.wrap(y, n, width));
        }
        float[] x = new float[(to - from) * width];
        System.arraycopy(features, from * width, x, 0, x.length);
        int[] y = new int[to - from];
        System.arraycopy(labels, from, y, 0, y.length);
        return new Batch(NDArray.wrap(x, to - from, width), y);
    }

    /** A growable float array. */
    private static final class FloatBuffer {
        private float[] data = new float[1024];
        private int size;

        void append(LabeledVector v, int width) {
            if (size + width > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(size + width, data.length * 2));
            }
            v.copyTo(data, size);
            size += width;
        }

        float[] trimmed() {
            return java.util.Arrays.copyOf(data, size);
        }
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] data = new int[256];
        private int size;

        void append(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        /** Makes room for {@code n} more values at {@code size}. */
        void reserve(int n) {
            if (size + n > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(size + n, data.length * 2));
            }
        }

        int[] trimmed() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
