package dev.grad4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training example: a feature vector and an integer class label, the element type of the
 * {@code JavaRDD} a {@link DistributedDataset} is built from. The features are copied in and out.
 */
public final class LabeledVector implements Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] features;
    private final int label;

    /**
     * Creates an example; {@code features} is copied.
     *
     * @param features the feature vector
     * @param label the class id
     * @throws NullPointerException if {@code features} is null
     */
    public LabeledVector(float[] features, int label) {
        this.features = Objects.requireNonNull(features, "LabeledVector: features is null").clone();
        this.label = label;
    }

    /** A copy of the feature vector. */
    public float[] features() {
        return features.clone();
    }

    /** The number of features. */
    public int width() {
        return features.length;
    }

    /** The class id. */
    public int label() {
        return label;
    }

    /** Copies the features into {@code dest} at {@code offset}. */
    void copyTo(float[] dest, int offset) {
        System.arraycopy(features, 0, dest, offset, features.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledVector v && v.label == label && Arrays.equals(v.features, features);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + label;
    }

    /** Returns {@code LabeledVector[width 784, label 3]}. */
    @Override
    public String toString() {
        return "LabeledVector[width " + features.length + ", label " + label + "]";
    }
}
