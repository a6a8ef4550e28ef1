package dev.grad4j.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense array of 32-bit integers: a contiguous row-major {@code int[]} and its {@link Shape}.
 * It holds integer data as integers — token ids, class labels, gather indices, boolean masks as
 * 0/1 — where {@link NDArray} holds float32 values.
 *
 * <pre>{@code
 * IntArray ids = IntArray.of(new int[] {3, 1, 4, 1, 5, 9}, 2, 3);   // [batch, time]
 * Tensor embedded = tokens.embedding(ids);                            // [2, 3, dim]
 * }</pre>
 *
 * <p>Like {@link NDArray}, reading never exposes the storage: {@link #toArray()} returns a copy.
 */
public final class IntArray {

    final int[] data;
    private final Shape shape;

    IntArray(int[] data, Shape shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Returns an array holding a copy of {@code data} with the given dimensions.
     *
     * @throws IllegalArgumentException if {@code data.length} differs from the product of {@code dims}
     */
    public static IntArray of(int[] data, int... dims) {
        Objects.requireNonNull(data, "IntArray.of: data is null");
        return create("IntArray.of", data.clone(), dims);
    }

    /**
     * Returns an array that takes ownership of {@code data} without copying it; the caller must
     * not modify {@code data} afterwards.
     *
     * @throws IllegalArgumentException if {@code data.length} differs from the product of {@code dims}
     */
    public static IntArray wrap(int[] data, int... dims) {
        Objects.requireNonNull(data, "IntArray.wrap: data is null");
        return create("IntArray.wrap", data, dims);
    }

    /** Returns the 1-D array {@code [values.length]} holding a copy of {@code values}. */
    public static IntArray vector(int... values) {
        Objects.requireNonNull(values, "IntArray.vector: values is null");
        return new IntArray(values.clone(), Shape.of(values.length));
    }

    /** Returns a scalar (shape {@code []}) holding {@code value}. */
    public static IntArray scalar(int value) {
        return new IntArray(new int[] {value}, Shape.scalar());
    }

    /** Returns an array of zeros. */
    public static IntArray zeros(int... dims) {
        Shape s = Shape.of(dims);
        return new IntArray(new int[s.size()], s);
    }

    private static IntArray create(String op, int[] data, int[] dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException(op + ": " + data.length
                    + " values do not fill shape " + s + " (" + s.size() + " elements)");
        }
        return new IntArray(data, s);
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
    public int get(int... index) {
        return data[shape.offset("get", index)];
    }

    /**
     * Returns the only element of a one-element array.
     *
     * @throws IllegalArgumentException if the array does not have exactly one element
     */
    public int item() {
        if (data.length != 1) {
            throw new IllegalArgumentException("item: array of shape " + shape + " has " + data.length + " elements, not 1");
        }
        return data[0];
    }

    /** Returns a copy of the elements in row-major order. */
    public int[] toArray() {
        return data.clone();
    }

    /**
     * Returns the same elements with another shape; one dimension may be {@code -1} and is inferred.
     * The result is a copy.
     *
     * @throws IllegalArgumentException if the element counts differ or more than one dimension is {@code -1}
     */
    public IntArray reshape(int... dims) {
        return new IntArray(data.clone(), NDArray.inferShape("reshape", shape, dims));
    }

    /** Returns the elements converted to float32, same shape (exact for magnitudes up to 2^24). */
    public NDArray toFloat() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = data[i];
        }
        return new NDArray(f, shape);
    }

    /**
     * Checks that every element lies in {@code [0, bound)}.
     *
     * @param op the operation to name in the error
     * @param what what the elements are, such as {@code "id"} or {@code "index"}
     * @throws IllegalArgumentException naming {@code op}, the first offending value and its position
     */
    public void requireRange(String op, String what, int bound) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] < 0 || data[i] >= bound) {
                throw new IllegalArgumentException(op + ": " + what + " " + data[i] + " at flat position " + i
                        + " is outside [0, " + bound + ") (" + what + "s of shape " + shape + ")");
            }
        }
    }

    /** Returns true if {@code other} has the same shape and elements. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof IntArray)) {
            return false;
        }
        IntArray o = (IntArray) other;
        return shape.equals(o.shape) && Arrays.equals(data, o.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    /** Returns the shape and, for small arrays, the elements: {@code IntArray[2, 2] [1, 2, 3, 4]}. */
    @Override
    public String toString() {
        String head = "IntArray" + shape;
        if (data.length <= 16) {
            return head + " " + Arrays.toString(data);
        }
        return head + " [" + data[0] + ", " + data[1] + ", ..., " + data[data.length - 1] + "]";
    }
}
