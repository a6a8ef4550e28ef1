package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The softmax module along one axis: {@code exp(x_i) / sum_j exp(x_j)},
 * finite for any finite input. Any shape of rank at least 1; no parameters.
 */
public final class Softmax extends AbstractModule {

    private final int axis;

    /**
     * Normalises along {@code axis}; a negative axis counts from the end ({@code -1}: the class
     * axis of {@code [batch, classes]}).
     */
    public Softmax(int axis) {
        this.axis = axis;
    }

    /**
     * Returns {@code x.softmax(axis)}, same shape as {@code x}.
     *
     * @throws IllegalArgumentException if the axis is out of range for {@code x}
     */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "Softmax: input is null").softmax(axis);
    }

    /** The axis along which it normalises. */
    public int axis() {
        return axis;
    }

    /** {@code Softmax(axis=1)}. */
    @Override
    public String toString() {
        return "Softmax(axis=" + axis + ")";
    }
}
