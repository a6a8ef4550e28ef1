package dev.grad4j.data;

import dev.grad4j.tensor.NDArray;
import java.util.Arrays;
import java.util.Objects;

/**
 * A group of examples: features of shape {@code [batch, ...]} and either integer class labels
 * {@code [batch]} or float targets {@code [batch, ...]}.
 *
 * <p>Exactly one of {@link #labels()} and {@link #targets()} is non-null. Batches are immutable:
 * the labels are copied in and out.
 */
public final class Batch {

    private final NDArray features;
    private final int[] labels;
    private final NDArray targets;

    /**
     * Creates a classification batch; {@code labels} is copied.
     *
     * @throws IllegalArgumentException if the features are a scalar or their first dimension differs
     *     from {@code labels.length}
     */
    public Batch(NDArray features, int[] labels) {
        this(features, Objects.requireNonNull(labels, "Batch: labels is null").clone(), null);
    }

    /**
     * Creates a regression batch with float targets.
     *
     * @throws IllegalArgumentException if features or targets are scalars or their first dimensions differ
     */
    public Batch(NDArray features, NDArray targets) {
        this(features, null, Objects.requireNonNull(targets, "Batch: targets is null"));
    }

    /** Takes ownership of {@code labels}; exactly one of labels and targets is non-null. */
    private Batch(NDArray features, int[] labels, NDArray targets) {
        Objects.requireNonNull(features, "Batch: features is null");
        if (features.shape().rank() == 0) {
            throw new IllegalArgumentException("Batch: features need a batch dimension: " + features.shape());
        }
        int n = features.shape().dim(0);
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("Batch: features have " + n + " examples but labels have "
                    + labels.length + ": " + features.shape());
        }
        if (targets != null && (targets.shape().rank() == 0 || targets.shape().dim(0) != n)) {
            throw new IllegalArgumentException("Batch: features and targets differ in batch size: "
                    + features.shape() + " and " + targets.shape());
        }
        this.features = features;
        this.labels = labels;
        this.targets = targets;
    }

    /** Creates a batch that owns {@code labels} without copying them (for datasets in this package). */
    static Batch owningLabels(NDArray features, int[] labels) {
        return new Batch(features, labels, null);
    }

    /** The features, shape {@code [batch, ...exampleDims]}. */
    public NDArray features() {
        return features;
    }

    /** A copy of the class labels, shape {@code [batch]}, or null if this batch has float targets. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** The float targets, shape {@code [batch, ...]}, or null if this batch has class labels. */
    public NDArray targets() {
        return targets;
    }

    /** Number of examples in this batch. */
    public int size() {
        return features.shape().dim(0);
    }

    /** Returns true if {@code other} is a batch with equal features, labels and targets. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Batch)) {
            return false;
        }
        Batch o = (Batch) other;
        return features.equals(o.features) && Arrays.equals(labels, o.labels)
                && Objects.equals(targets, o.targets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * features.hashCode() + Arrays.hashCode(labels)) + Objects.hashCode(targets);
    }

    /** Returns the batch size and shapes: {@code Batch[64: features [64, 784], labels]}. */
    @Override
    public String toString() {
        return "Batch[" + size() + ": features " + features.shape()
                + (labels != null ? ", labels" : ", targets " + targets.shape()) + "]";
    }
}
