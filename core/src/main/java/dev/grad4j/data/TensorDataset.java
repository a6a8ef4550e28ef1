package dev.grad4j.data;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory dataset of {@code n} examples: features {@code [n, ...]} (float32, or integer token
 * ids) and either integer labels {@code [n, ...]} or float targets {@code [n, ...]}.
 *
 * <p>The arrays are copied at construction, so later changes to the caller's arrays do not show.
 * {@link #batch(int[])} copies one contiguous row per example; the batch has the same kinds of
 * features and labels as the dataset (see {@link Batch}).
 *
 * <pre>{@code
 * TensorDataset ds = new TensorDataset(NDArray.of(x, 100, 4), labels);  // 100 examples of [4]
 * Batch b = ds.batch(new int[] {3, 1, 4});                              // features [3, 4], labels [3]
 * TensorDataset text = new TensorDataset(IntArray.of(ids, 500, 64), IntArray.of(next, 500, 64));
 * Batch t = text.batch(new int[] {0, 7});                               // inputs [2, 64], labels [2, 64]
 * }</pre>
 */
public final class TensorDataset implements Dataset {

    private final float[] features;
    private final int[] intFeatures;
    private final int[] featureDims;
    private final int rowSize;
    private final int[] labels;
    private final int[] labelDims;
    private final int labelRowSize;
    private final float[] targets;
    private final int[] targetDims;
    private final int targetRowSize;

    /**
     * Creates a classification dataset with one label per example.
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
     * Creates a dataset with integer labels of any shape {@code [n, ...]} (one class per example
     * {@code [n]}, per pixel {@code [n, h, w]}, per position {@code [n, t]}). The labels are not
     * range-checked here, so an ignore index such as cross-entropy's {@code -100} is allowed; the
     * loss checks them.
     *
     * @param features shape {@code [n, ...]}
     * @param labels shape {@code [n, ...]}
     * @throws IllegalArgumentException if features or labels are scalars or their counts differ
     */
    public TensorDataset(NDArray features, IntArray labels) {
        this(Objects.requireNonNull(features, "TensorDataset: features is null").toArray(), null,
                features.shape(), Objects.requireNonNull(labels, "TensorDataset: labels is null"));
    }

    /**
     * Creates a dataset of integer inputs with integer labels, such as token ids {@code [n, time]} and
     * the tokens that follow them {@code [n, time]}. Neither is range-checked here (the embedding
     * and the loss check them).
     *
     * @param inputs shape {@code [n, ...]}
     * @param labels shape {@code [n, ...]}
     * @throws IllegalArgumentException if inputs or labels are scalars or their counts differ
     */
    public TensorDataset(IntArray inputs, IntArray labels) {
        this(null, Objects.requireNonNull(inputs, "TensorDataset: inputs is null").toArray(), inputs.shape(),
                Objects.requireNonNull(labels, "TensorDataset: labels is null"));
    }

    private TensorDataset(float[] features, int[] intFeatures, Shape featureShape, IntArray labels) {
        this.featureDims = exampleDims(features != null ? "features" : "inputs", featureShape);
        int[] ld = exampleDims("labels", labels.shape());
        if (featureDims[0] != ld[0]) {
            throw new IllegalArgumentException("TensorDataset: " + (features != null ? "features" : "inputs")
                    + " have " + featureDims[0] + " examples but labels have " + ld[0] + ": " + featureShape
                    + " and " + labels.shape());
        }
        this.features = features;
        this.intFeatures = intFeatures;
        this.rowSize = rowSize(featureDims);
        this.labels = labels.toArray();
        this.labelDims = ld;
        this.labelRowSize = rowSize(ld);
        this.targets = null;
        this.targetDims = null;
        this.targetRowSize = 0;
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
        this.intFeatures = null;
        this.rowSize = rowSize(featureDims);
        this.labels = null;
        this.labelDims = null;
        this.labelRowSize = 0;
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
        this.intFeatures = null;
        this.rowSize = rowSize(featureDims);
        this.labels = labels;
        this.labelDims = new int[] {labels.length};
        this.labelRowSize = 1;
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

    /** The shape of all features (float or integer), {@code [n, ...exampleDims]}. */
    public Shape featureShape() {
        return Shape.of(featureDims);
    }

    /** Returns a copy of all float features {@code [n, ...exampleDims]}, or null if the inputs are integers. */
    public NDArray features() {
        return features == null ? null : NDArray.of(features, featureDims);
    }

    /** Returns a copy of all integer inputs {@code [n, ...]}, or null if the features are floats. */
    public IntArray intFeatures() {
        return intFeatures == null ? null : IntArray.of(intFeatures, featureDims);
    }

    /**
     * Returns a copy of the 1-D class labels {@code [n]}, or null if this dataset has float targets.
     *
     * @throws IllegalStateException if the labels have more than one dimension (use {@link #labelArray()})
     */
    public int[] labels() {
        if (labels == null) {
            return null;
        }
        if (labelDims.length != 1) {
            throw new IllegalStateException("TensorDataset.labels: labels " + Arrays.toString(labelDims)
                    + " are not 1-D; use labelArray()");
        }
        return labels.clone();
    }

    /** Returns a copy of the integer labels {@code [n, ...]}, or null if this dataset has float targets. */
    public IntArray labelArray() {
        return labels == null ? null : IntArray.of(labels, labelDims);
    }

    /** Returns a copy of the float targets {@code [n, ...]}, or null if this dataset has integer labels. */
    public NDArray targets() {
        return targets == null ? null : NDArray.of(targets, targetDims);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch has float or integer features, and integer labels or float targets, as this dataset does.
     */
    @Override
    public Batch batch(int[] indices) {
        Objects.requireNonNull(indices, "TensorDataset.batch: indices is null");
        int n = size();
        int k = indices.length;
        long batchElements = (long) k * Math.max(rowSize, Math.max(labelRowSize, targetRowSize));
        if (batchElements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TensorDataset.batch: " + k + " examples of "
                    + Math.max(rowSize, Math.max(labelRowSize, targetRowSize)) + " elements are too many for one array");
        }
        for (int idx : indices) {
            if (idx < 0 || idx >= n) {
                throw new IllegalArgumentException("TensorDataset.batch: index " + idx + " out of range for "
                        + n + " examples");
            }
        }
        NDArray xs = null;
        IntArray ids = null;
        if (features != null) {
            float[] x = new float[k * rowSize];
            for (int i = 0; i < k; i++) {
                System.arraycopy(features, indices[i] * rowSize, x, i * rowSize, rowSize);
            }
            xs = NDArray.wrap(x, withBatch(featureDims, k));
        } else {
            ids = IntArray.wrap(gather(intFeatures, rowSize, indices), withBatch(featureDims, k));
        }
        if (labels != null) {
            IntArray y = IntArray.wrap(gather(labels, labelRowSize, indices), withBatch(labelDims, k));
            return Batch.of(xs, ids, y, null);
        }
        float[] t = new float[k * targetRowSize];
        for (int i = 0; i < k; i++) {
            System.arraycopy(targets, indices[i] * targetRowSize, t, i * targetRowSize, targetRowSize);
        }
        return new Batch(xs, NDArray.wrap(t, withBatch(targetDims, k)));
    }

    /** Rows {@code indices} of {@code src} (rows of {@code row} ints), one bulk copy each. */
    private static int[] gather(int[] src, int row, int[] indices) {
        int[] out = new int[indices.length * row];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(src, indices[i] * row, out, i * row, row);
        }
        return out;
    }

    private static int[] withBatch(int[] dims, int k) {
        int[] d = dims.clone();
        d[0] = k;
        return d;
    }

    /**
     * Returns the size and shapes: {@code TensorDataset[8000: features [8000, 784], labels]},
     * {@code TensorDataset[500: inputs [500, 64], labels [500, 64]]}.
     */
    @Override
    public String toString() {
        String in = (features != null ? "features " : "inputs ") + Arrays.toString(featureDims);
        String out;
        if (labels != null) {
            out = labelDims.length == 1 ? "labels" : "labels " + Arrays.toString(labelDims);
        } else {
            out = "targets " + Arrays.toString(targetDims);
        }
        return "TensorDataset[" + size() + ": " + in + ", " + out + "]";
    }
}
