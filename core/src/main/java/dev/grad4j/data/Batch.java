package dev.grad4j.data;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import java.util.Objects;

/**
 * A group of examples: features {@code [batch, ...]} and what the model should predict for them.
 *
 * <p>The features are either float32 ({@link #features()}, an {@link NDArray}) or integer
 * ({@link #intFeatures()}, an {@link IntArray} of token ids, say {@code [batch, time]}); exactly one
 * of the two is non-null. The targets are either integer labels ({@link #labelArray()}, any shape
 * {@code [batch, ...]}: class ids {@code [batch]} or next-token ids {@code [batch, time]}) or float
 * targets ({@link #targets()}); exactly one of the two is non-null. {@link #labels()} gives 1-D
 * labels as an {@code int[]}.
 *
 * <pre>{@code
 * Batch images = new Batch(x, new int[] {3, 1, 4});              // x [3, 784], labels [3]
 * Batch text = new Batch(IntArray.of(ids, 8, 64), IntArray.of(next, 8, 64));
 * Tensor loss = Losses.crossEntropy(logits, text.labelArray());  // logits [8, vocab, 64]
 * }</pre>
 *
 * <p>Batches are immutable: {@code int[]} labels are copied in and out, and the arrays are never
 * modified by this class.
 */
public final class Batch {

    private final NDArray features;
    private final IntArray intFeatures;
    private final IntArray labels;
    private final NDArray targets;

    /**
     * Creates a classification batch with labels {@code [batch]}; {@code labels} is copied.
     *
     * @throws IllegalArgumentException if the features are a scalar or their first dimension differs
     *     from {@code labels.length}
     */
    public Batch(NDArray features, int[] labels) {
        this(Objects.requireNonNull(features, "Batch: features is null"), null,
                IntArray.of(Objects.requireNonNull(labels, "Batch: labels is null"), labels.length), null);
    }

    /**
     * Creates a batch with integer labels of any shape {@code [batch, ...]}, such as one class per
     * pixel {@code [batch, h, w]}.
     *
     * @throws IllegalArgumentException if the features or labels are scalars or their first dimensions differ
     */
    public Batch(NDArray features, IntArray labels) {
        this(Objects.requireNonNull(features, "Batch: features is null"), null,
                Objects.requireNonNull(labels, "Batch: labels is null"), null);
    }

    /**
     * Creates a batch of integer inputs with integer labels, as token ids {@code [batch, time]} and
     * the next tokens {@code [batch, time]} of a language model.
     *
     * @throws IllegalArgumentException if the inputs or labels are scalars or their first dimensions differ
     */
    public Batch(IntArray inputs, IntArray labels) {
        this(null, Objects.requireNonNull(inputs, "Batch: inputs is null"),
                Objects.requireNonNull(labels, "Batch: labels is null"), null);
    }

    /**
     * Creates a regression batch with float targets.
     *
     * @throws IllegalArgumentException if features or targets are scalars or their first dimensions differ
     */
    public Batch(NDArray features, NDArray targets) {
        this(Objects.requireNonNull(features, "Batch: features is null"), null, null,
                Objects.requireNonNull(targets, "Batch: targets is null"));
    }

    /** Exactly one of features and intFeatures, and one of labels and targets, is non-null. */
    private Batch(NDArray features, IntArray intFeatures, IntArray labels, NDArray targets) {
        String in = features != null ? "features " + features.shape() : "inputs " + intFeatures.shape();
        int rank = features != null ? features.shape().rank() : intFeatures.shape().rank();
        if (rank == 0) {
            throw new IllegalArgumentException("Batch: features need a batch dimension: " + in);
        }
        int n = features != null ? features.shape().dim(0) : intFeatures.shape().dim(0);
        if (labels != null) {
            if (labels.shape().rank() == 0) {
                throw new IllegalArgumentException("Batch: labels need a batch dimension: " + in + " and labels "
                        + labels.shape());
            }
            if (labels.shape().dim(0) != n) {
                throw new IllegalArgumentException("Batch: features have " + n + " examples but labels have "
                        + labels.shape().dim(0) + ": " + in + " and labels " + labels.shape());
            }
        }
        if (targets != null && (targets.shape().rank() == 0 || targets.shape().dim(0) != n)) {
            throw new IllegalArgumentException("Batch: features and targets differ in batch size: "
                    + (features != null ? features.shape() : intFeatures.shape()) + " and " + targets.shape());
        }
        this.features = features;
        this.intFeatures = intFeatures;
        this.labels = labels;
        this.targets = targets;
    }

    /** A batch that owns the given parts, exactly one of each pair non-null (for datasets in this package). */
    static Batch of(NDArray features, IntArray intFeatures, IntArray labels, NDArray targets) {
        return new Batch(features, intFeatures, labels, targets);
    }

    /** The float features, shape {@code [batch, ...exampleDims]}, or null if this batch has integer inputs. */
    public NDArray features() {
        return features;
    }

    /** The integer inputs (token ids), shape {@code [batch, ...]}, or null if this batch has float features. */
    public IntArray intFeatures() {
        return intFeatures;
    }

    /**
     * A copy of the 1-D class labels {@code [batch]}, or null if this batch has float targets.
     *
     * @throws IllegalStateException if the labels have more than one dimension (use {@link #labelArray()})
     */
    public int[] labels() {
        if (labels == null) {
            return null;
        }
        if (labels.shape().rank() != 1) {
            throw new IllegalStateException("Batch.labels: labels " + labels.shape()
                    + " are not 1-D; use labelArray()");
        }
        return labels.toArray();
    }

    /** The integer labels, shape {@code [batch, ...]}, or null if this batch has float targets. */
    public IntArray labelArray() {
        return labels;
    }

    /** The float targets, shape {@code [batch, ...]}, or null if this batch has integer labels. */
    public NDArray targets() {
        return targets;
    }

    /** Number of examples in this batch. */
    public int size() {
        return features != null ? features.shape().dim(0) : intFeatures.shape().dim(0);
    }

    /** Returns true if {@code other} is a batch with equal features, labels and targets. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Batch)) {
            return false;
        }
        Batch o = (Batch) other;
        return Objects.equals(features, o.features) && Objects.equals(intFeatures, o.intFeatures)
                && Objects.equals(labels, o.labels) && Objects.equals(targets, o.targets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(features, intFeatures, labels, targets);
    }

    /**
     * Returns the batch size and shapes: {@code Batch[64: features [64, 784], labels]} (1-D labels),
     * {@code Batch[8: inputs [8, 64], labels [8, 64]]}, {@code Batch[4: features [4, 3], targets [4, 1]]}.
     */
    @Override
    public String toString() {
        String in = features != null ? "features " + features.shape() : "inputs " + intFeatures.shape();
        String out;
        if (labels != null) {
            out = labels.shape().rank() == 1 ? "labels" : "labels " + labels.shape();
        } else {
            out = "targets " + targets.shape();
        }
        return "Batch[" + size() + ": " + in + ", " + out + "]";
    }
}
