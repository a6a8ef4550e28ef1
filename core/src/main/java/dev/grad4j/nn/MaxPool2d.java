package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * 2-D max pooling, as PyTorch's {@code nn.MaxPool2d} (no dilation, floor output size): each output
 * is the maximum of a {@code kh x kw} window moved by the stride over the input, with implicit
 * {@code -inf} padding. No parameters.
 *
 * <p>Shapes: input {@code [N, C, H, W]} or {@code [C, H, W]}, output {@code [N, C, oh, ow]},
 * {@code oh = (H + 2 ph - kh) / sh + 1}, likewise ow. Defaults: stride = kernel, padding 0.
 *
 * <pre>{@code
 * Module pool = new MaxPool2d(2);        // [8, 16, 28, 28] -> [8, 16, 14, 14]
 * }</pre>
 */
public final class MaxPool2d extends AbstractModule {

    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /**
     * A square window of side {@code kernel}, stride = kernel, no padding.
     *
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public MaxPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[2]);
    }

    /**
     * A square window with the given stride and padding in both directions.
     *
     * @throws IllegalArgumentException if kernel or stride is not positive, or padding is negative or above kernel / 2
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /**
     * A {@code [kh, kw]} window with stride {@code [sh, sw]} and padding {@code [ph, pw]}.
     *
     * @throws IllegalArgumentException if a pair has not 2 elements, kernel or stride is not
     *     positive, or padding is negative or above kernel / 2
     */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = PoolArgs.pair("MaxPool2d", "kernel", kernel, 1);
        this.stride = PoolArgs.pair("MaxPool2d", "stride", stride, 1);
        this.padding = PoolArgs.pair("MaxPool2d", "padding", padding, 0);
        PoolArgs.paddingAtMostHalfKernel("MaxPool2d", this.kernel, this.padding);
    }

    /**
     * Returns {@code x.maxPool2d(kernel, stride, padding)}.
     *
     * @throws IllegalArgumentException if {@code x} is not 3-D or 4-D or smaller than the padded kernel
     */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "MaxPool2d: input is null").maxPool2d(kernel, stride, padding);
    }

    /** {@code MaxPool2d(kernel_size=2, stride=2, padding=0)}. */
    @Override
    public String toString() {
        return "MaxPool2d(kernel_size=" + PoolArgs.show(kernel) + ", stride=" + PoolArgs.show(stride)
                + ", padding=" + PoolArgs.show(padding) + ")";
    }
}
