package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * The dimensions of an array: an immutable value such as {@code [batch, in]}.
 *
 * <p>A shape of rank 0 ({@code []}) describes a scalar with one element. Dimensions may be
 * zero but never negative. {@link #broadcast(Shape, Shape)} combines two shapes with NumPy's
 * broadcasting rules.
 */
public final class Shape {

    /**
     * The largest element count a shape may have: the largest array length every JVM allocates
     * ({@code Integer.MAX_VALUE - 8}), so that an array of any valid shape can be created.
     */
    public static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(String op, int[] dims) {
        this.dims = dims;
        this.size = size(op, dims);
    }

    private Shape(int[] dims) {
        this("shape", dims);
    }

    /**
     * Returns the product of {@code dims}: the one checked place for element counts. Every size
     * that is a product of dimensions (an output shape, a buffer, a file's declared tensor) goes
     * through here, so that an overflow is an error naming the op instead of a negative or wrapped
     * array length.
     *
     * @param op the operation named in the error message
     * @param dims the dimensions, each non-negative
     * @return the element count, at most {@link #MAX_SIZE}
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds {@link #MAX_SIZE}
     */
    public static int size(String op, int... dims) {
        boolean empty = false;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension: " + Arrays.toString(dims));
            }
            empty |= d == 0;
        }
        if (empty) {
            return 0;
        }
        long n = 1;
        for (int d : dims) {
            n *= d; // no long overflow: n <= MAX_SIZE before, d < 2^31
            if (n > MAX_SIZE) {
                throw new IllegalArgumentException(op + ": too many elements: " + Arrays.toString(dims)
                        + " (a shape holds at most " + MAX_SIZE + ")");
            }
        }
        return (int) n;
    }

    /**
     * Returns the shape with the given dimensions.
     *
     * @throws IllegalArgumentException if a dimension is negative or there are more than {@link #MAX_SIZE} elements
     */
    public static Shape of(int... dims) {
        return of("shape", dims);
    }

    /**
     * Like {@link #of(int...)}, naming {@code op} in the error message: for an op's output shape.
     *
     * @param op the operation named in the error message
     * @param dims the dimensions
     * @return the shape
     * @throws IllegalArgumentException if a dimension is negative or there are more than {@link #MAX_SIZE} elements
     */
    public static Shape of(String op, int... dims) {
        if (dims == null) {
            throw new NullPointerException(op + ": dims is null");
        }
        if (dims.length == 0) {
            return SCALAR;
        }
        return new Shape(op, dims.clone());
    }

    /** Returns the shape {@code []} of a scalar. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int size() {
        return size;
    }

    /**
     * Returns dimension {@code i}; a negative {@code i} counts from the end ({@code -1} is the last).
     *
     * @throws IllegalArgumentException if {@code i} is outside {@code [-rank, rank)}
     */
    public int dim(int i) {
        return dims[axis("dim", i)];
    }

    /** Returns a copy of the dimensions. */
    public int[] toArray() {
        return dims.clone();
    }

    /**
     * Normalises an axis for this shape: negative axes count from the end.
     *
     * @param op the operation named in the error message
     * @throws IllegalArgumentException if the axis is outside {@code [-rank, rank)}
     */
    public int axis(String op, int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException(
                    op + ": axis " + axis + " out of range for shape " + this);
        }
        return a;
    }

    /** Row-major strides of a contiguous array of this shape, in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= dims[i];
        }
        return s;
    }

    /**
     * Returns the broadcast of two shapes under NumPy rules: dimensions are aligned from the end,
     * and each pair must be equal or contain a 1.
     *
     * @throws IllegalArgumentException if the shapes cannot be broadcast together
     */
    public static Shape broadcast(Shape a, Shape b) {
        return broadcast("broadcast", a, b);
    }

    /**
     * Like {@link #broadcast(Shape, Shape)}, naming {@code op} in the error message.
     *
     * @throws IllegalArgumentException if the shapes cannot be broadcast together
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a == null || b == null) {
            throw new NullPointerException(op + ": shape is null: " + a + " and " + b);
        }
        if (a.equals(b)) {
            return a;
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(
                        op + ": shapes cannot be broadcast together: " + a + " and " + b);
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(op, out);
    }

    /** Returns this shape with the dimensions at {@code i} and {@code j} exchanged (already normalised). */
    Shape swap(int i, int j) {
        int[] d = dims.clone();
        d[i] = dims[j];
        d[j] = dims[i];
        return new Shape(d);
    }

    /** Direct read of a dimension without normalisation, for kernels. */
    int at(int i) {
        return dims[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Returns the dimensions as {@code [2, 3]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }

    /**
     * The row-major offset of {@code index}, one coordinate per dimension.
     *
     * @throws IllegalArgumentException naming {@code op} if the number of coordinates differs from
     *     the rank or one is out of range
     */
    int offset(String op, int[] index) {
        if (index == null) {
            throw new NullPointerException(op + ": index is null");
        }
        if (index.length != dims.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for shape " + this);
        }
        int offset = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= dims[i]) {
                throw new IllegalArgumentException(
                        op + ": index " + Arrays.toString(index) + " out of range for shape " + this);
            }
            offset = offset * dims[i] + index[i];
        }
        return offset;
    }
}
