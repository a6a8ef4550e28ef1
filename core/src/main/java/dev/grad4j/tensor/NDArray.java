package dev.grad4j.tensor;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A dense float32 array: a contiguous row-major {@code float[]} and its {@link Shape}.
 *
 * <p>Arrays are created through the factories ({@link #of}, {@link #zeros}, {@link #randn}, ...)
 * and computed on by a {@link Backend}. Reading never exposes the storage: {@link #toArray()}
 * returns a copy. The only operations that change an array in place are the backend's
 * explicitly named in-place updates (used by optimizers and state-dict loading).
 */
public final class NDArray {

    final float[] data;
    private final Shape shape;

    NDArray(float[] data, Shape shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Returns an array holding a copy of {@code data} with the given dimensions.
     *
     * @throws IllegalArgumentException if {@code data.length} differs from the product of {@code dims}
     */
    public static NDArray of(float[] data, int... dims) {
        Objects.requireNonNull(data, "NDArray.of: data is null");
        return create("NDArray.of", data.clone(), dims);
    }

    /**
     * Returns an array that takes ownership of {@code data} without copying it; the caller must
     * not modify {@code data} afterwards.
     *
     * @throws IllegalArgumentException if {@code data.length} differs from the product of {@code dims}
     */
    public static NDArray wrap(float[] data, int... dims) {
        Objects.requireNonNull(data, "NDArray.wrap: data is null");
        return create("NDArray.wrap", data, dims);
    }

    private static NDArray create(String op, float[] data, int[] dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException(op + ": " + data.length
                    + " values do not fill shape " + s + " (" + s.size() + " elements)");
        }
        return new NDArray(data, s);
    }

    /** Returns an array of zeros. */
    public static NDArray zeros(int... dims) {
        Shape s = Shape.of(dims);
        return new NDArray(new float[s.size()], s);
    }

    /** Returns an array of ones. */
    public static NDArray ones(int... dims) {
        return full(1f, dims);
    }

    /** Returns an array with every element equal to {@code value}. */
    public static NDArray full(float value, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        Arrays.fill(d, value);
        return new NDArray(d, s);
    }

    /** Returns a scalar (shape {@code []}) holding {@code value}. */
    public static NDArray scalar(float value) {
        return new NDArray(new float[] {value}, Shape.scalar());
    }

    /** Returns an array of independent draws from the uniform distribution on {@code [0, 1)}. */
    public static NDArray rand(RandomGenerator random, int... dims) {
        Objects.requireNonNull(random, "NDArray.rand: random is null");
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = random.nextFloat();
        }
        return new NDArray(d, s);
    }

    /** Returns an array of independent draws from the standard normal distribution. */
    public static NDArray randn(RandomGenerator random, int... dims) {
        Objects.requireNonNull(random, "NDArray.randn: random is null");
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextGaussian();
        }
        return new NDArray(d, s);
    }

    /** The shape of this array. */
    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /**
     * Returns the element at the given index, one coordinate per dimension.
     *
     * @throws IllegalArgumentException if the number of coordinates differs from the rank or one is out of range
     */
    public float get(int... index) {
        return data[shape.offset("get", index)];
    }

    /**
     * Returns the only element of a one-element array.
     *
     * @throws IllegalArgumentException if the array does not have exactly one element
     */
    public float item() {
        if (data.length != 1) {
            throw new IllegalArgumentException("item: array of shape " + shape + " has " + data.length + " elements, not 1");
        }
        return data[0];
    }

    /** Returns a copy of the elements in row-major order. */
    public float[] toArray() {
        return data.clone();
    }

    /**
     * Copies the elements into {@code dst} starting at {@code offset}.
     *
     * @throws IllegalArgumentException if {@code dst} has no room for {@link #size()} elements at {@code offset}
     */
    public void copyTo(float[] dst, int offset) {
        Objects.requireNonNull(dst, "copyTo: dst is null");
        if (offset < 0 || offset > dst.length - data.length) {
            throw new IllegalArgumentException("copyTo: " + data.length + " elements do not fit in float["
                    + dst.length + "] at offset " + offset);
        }
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** Returns an independent copy of this array. */
    public NDArray copy() {
        return new NDArray(data.clone(), shape);
    }

    /**
     * Returns the same elements with another shape; one dimension may be {@code -1} and is inferred.
     * The result is a copy.
     *
     * @throws IllegalArgumentException if the element counts differ or more than one dimension is {@code -1}
     */
    public NDArray reshape(int... dims) {
        return new NDArray(data.clone(), inferShape("reshape", shape, dims));
    }

    static Shape inferShape(String op, Shape from, int... dims) {
        Objects.requireNonNull(dims, op + ": dims is null");
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1: "
                            + from + " -> " + Arrays.toString(dims));
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": negative dimension: " + from + " -> " + Arrays.toString(dims));
            } else {
                known *= dims[i];
            }
        }
        int[] out = dims.clone();
        if (infer >= 0) {
            if (known == 0 || from.size() % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 for " + from.size()
                        + " elements: " + from + " -> " + Arrays.toString(dims));
            }
            out[infer] = (int) (from.size() / known);
        } else if (known != from.size()) {
            throw new IllegalArgumentException(op + ": element counts differ: " + from + " ("
                    + from.size() + ") -> " + Arrays.toString(dims) + " (" + known + ")");
        }
        return Shape.of(out);
    }

    /** Returns true if {@code other} has the same shape and bit-identical elements. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof NDArray)) {
            return false;
        }
        NDArray o = (NDArray) other;
        return shape.equals(o.shape) && Arrays.equals(data, o.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    /** Returns the shape and, for small arrays, the elements: {@code NDArray[2, 2] [1.0, 2.0, 3.0, 4.0]}. */
    @Override
    public String toString() {
        String head = "NDArray" + shape;
        if (data.length <= 16) {
            return head + " " + Arrays.toString(data);
        }
        return head + " [" + data[0] + ", " + data[1] + ", ..., " + data[data.length - 1] + "]";
    }
}
