package dev.grad4j.spark;

import dev.grad4j.data.Batch;
import dev.grad4j.tensor.NDArray;

import java.io.Serializable;
import java.util.Iterator;

/**
 * The examples of one partition, packed: features {@code [size, width]} row-major and labels
 * {@code [size]}. The element of a {@link DistributedDataset}'s cached RDD (one per partition).
 */
final class Block implements Serializable {

    private static final long serialVersionUID = 1L;

    final int width;
    final float[] features;
    final int[] labels;

    private Block(int width, float[] features, int[] labels) {
        this.width = width;
        this.features = features;
        this.labels = labels;
    }

    int size() {
        return labels.length;
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
        return new Block(width, x.trimmed(), y.trimmed());
    }

    /** The examples at {@code positions} (in that order) as a batch {@code [n, width]}. */
    Batch gather(int[] positions) {
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

        int[] trimmed() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
