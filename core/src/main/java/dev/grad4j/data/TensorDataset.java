package dev.grad4j.data;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory dataset over a features array {@code [n, ...]} and either integer class labels
 * {@code [n]} or float targets {@code [n, ...]}.
 *
 * <p>The arrays are copied at construction, so later changes to the caller's arrays do not show.
 * {@link #batch(int[])} copies one contiguous row per example.
 *
 * <pre>{@code
 * TensorDataset ds = new TensorDataset(NDArray.of(x, 100, 4), labels);  // 100 examples of [4]
 * Batch b = ds.batch(new int[] {3, 1, 4});                              // features [3, 4]
 * }</pre>
 */
public final class TensorDataset implements Dataset {

    private final float[] features;
    private final int[] featureDims;
    private final int rowSize;
    private final int[] labels;
    private final float[] targets;
    private final int[] targetDims;
    private final int targetRowSize;

    /**
     * Creates a classification dataset.
     *
     * @param features shape {@code [n, ...]}
     * @param labels one class index per example, each {@code >= 0}
     * @throws IllegalArgumentException if the features are a scalar, the counts differ or a label is negative
     */
    public TensorDataset(NDArray features, int[] labels) {
        this(Objects.requireNonNull(features, "TensorDataset: features is null").toArray(), features.shape(),
                labelsCopy(labels));
    }

    /**
     * Creates a regression dataset.
     *
     * @param features shape {@code [n, ...]}
     * @param targets shape {@code [n, ...]}
     * @throws IllegalArgumentException if features or targets are scalars or their counts differ
     */
    public TensorDataset(NDArray features, NDArray targets) {
        Objects.requireNonNull(features, "TensorDataset: features is null");
        Objects.requireNonNull(targets, "TensorDataset: targets is null");
        this.featureDims = exampleDims("features", features.shape());
        int[] td = exampleDims("targets", targets.shape());
        if (featureDims[0] != td[0]) {
            throw new IllegalArgumentException("TensorDataset: features have " + featureDims[0]
                    + " examples but targets have " + td[0] + ": " + features.shape() + " and " + targets.shape());
        }
        this.features = features.toArray();
        this.rowSize = rowSize(featureDims);
        this.labels = null;
        this.targets = targets.toArray();
        this.targetDims = td;
        this.targetRowSize = rowSize(td);
    }

    /** Takes ownership of {@code features} and {@code labels} (used by {@link Mnist}). */
    TensorDataset(float[] features, Shape shape, int[] labels) {
        this.featureDims = exampleDims("features", shape);
        if (featureDims[0] != labels.length) {
            throw new IllegalArgumentException("TensorDataset: features have " + featureDims[0]
                    + " examples but labels have " + labels.length + ": " + shape);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("TensorDataset: label " + i + " is negative: " + labels[i]);
            }
        }
        this.features = features;
        this.rowSize = rowSize(featureDims);
        this.labels = labels;
        this.targets = null;
        this.targetDims = null;
        this.targetRowSize = 0;
    }

    private static int[] labelsCopy(int[] labels) {
        return Objects.requireNonNull(labels, "TensorDataset: labels is null").clone();
    }

    private static int[] exampleDims(String what, Shape shape) {
        if (shape.rank() == 0) {
            throw new IllegalArgumentException("TensorDataset: " + what + " need an example dimension: " + shape);
        }
        return shape.toArray();
    }

    private static int rowSize(int[] dims) {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    @Override
    public int size() {
        return featureDims[0];
    }

    /** The shape of all features, {@code [n, ...exampleDims]}. */
    public Shape featureShape() {
        return Shape.of(featureDims);
    }

    /** Returns a copy of all features, shape {@code [n, ...exampleDims]}. */
    public NDArray features() {
        return NDArray.of(features, featureDims);
    }

    /** Returns a copy of the class labels {@code [n]}, or null if this dataset has float targets. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** Returns a copy of the float targets {@code [n, ...]}, or null if this dataset has class labels. */
    public NDArray targets() {
        return targets == null ? null : NDArray.of(targets, targetDims);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch has class labels or float targets, as this dataset does.
     */
    @Override
    public Batch batch(int[] indices) {
        Objects.requireNonNull(indices, "TensorDataset.batch: indices is null");
        int n = size();
        int k = indices.length;
        long batchElements = (long) k * Math.max(rowSize, targetRowSize);
        if (batchElements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TensorDataset.batch: " + k + " examples of " + rowSize
                    + " elements are too many for one array");
        }
        float[] x = new float[k * rowSize];
        for (int i = 0; i < k; i++) {
            int idx = indices[i];
            if (idx < 0 || idx >= n) {
                throw new IllegalArgumentException("TensorDataset.batch: index " + idx + " out of range for "
                        + n + " examples");
            }
            System.arraycopy(features, idx * rowSize, x, i * rowSize, rowSize);
        }
        NDArray xs = NDArray.wrap(x, withBatch(featureDims, k));
        if (labels != null) {
            int[] y = new int[k];
            for (int i = 0; i < k; i++) {
                y[i] = labels[indices[i]];
            }
            return Batch.owningLabels(xs, y);
        }
        float[] t = new float[k * targetRowSize];
        for (int i = 0; i < k; i++) {
            System.arraycopy(targets, indices[i] * targetRowSize, t, i * targetRowSize, targetRowSize);
        }
        return new Batch(xs, NDArray.wrap(t, withBatch(targetDims, k)));
    }

    private static int[] withBatch(int[] dims, int k) {
        int[] d = dims.clone();
        d[0] = k;
        return d;
    }

    /** Returns the size and shapes: {@code TensorDataset[8000: features [8000, 784], labels]}. */
    @Override
    public String toString() {
        return "TensorDataset[" + size() + ": features " + Arrays.toString(featureDims)
                + (labels != null ? ", labels" : ", targets " + Arrays.toString(targetDims)) + "]";
    }
}
