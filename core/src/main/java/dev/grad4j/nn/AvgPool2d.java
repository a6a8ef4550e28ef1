package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * 2-D average pooling, as PyTorch's {@code nn.AvgPool2d} (floor output size): each output is the
 * mean of a {@code kh x kw} window moved by the stride, with zero padding. With
 * {@code countIncludePad} (the default) the divisor is {@code kh * kw}, else the number of input
 * elements in the window. No parameters.
 *
 * <p>Shapes: input {@code [N, C, H, W]} or {@code [C, H, W]}, output {@code [N, C, oh, ow]},
 * {@code oh = (H + 2 ph - kh) / sh + 1}, likewise ow. Defaults: stride = kernel, padding 0,
 * countIncludePad true.
 *
 * <pre>{@code
 * Module pool = new AvgPool2d(2);        // [8, 16, 28, 28] -> [8, 16, 14, 14]
 * }</pre>
 */
public final class AvgPool2d extends AbstractModule {

    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    /**
     * A square window of side {@code kernel}, stride = kernel, no padding.
     *
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public AvgPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[2], true);
    }

    /**
     * A square window with the given stride and padding; padding counts in the divisor.
     *
     * @throws IllegalArgumentException if kernel or stride is not positive, or padding is negative or above kernel / 2
     */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, true);
    }

    /**
     * A {@code [kh, kw]} window with stride {@code [sh, sw]}, padding {@code [ph, pw]} and the
     * given divisor rule.
     *
     * @throws IllegalArgumentException if a pair has not 2 elements, kernel or stride is not
     *     positive, or padding is negative or above kernel / 2
     */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = PoolArgs.pair("AvgPool2d", "kernel", kernel, 1);
        this.stride = PoolArgs.pair("AvgPool2d", "stride", stride, 1);
        this.padding = PoolArgs.pair("AvgPool2d", "padding", padding, 0);
        PoolArgs.paddingAtMostHalfKernel("AvgPool2d", this.kernel, this.padding);
        this.countIncludePad = countIncludePad;
    }

    /**
     * Returns {@code x.avgPool2d(kernel, stride, padding, countIncludePad)}.
     *
     * @throws IllegalArgumentException if {@code x} is not 3-D or 4-D or smaller than the padded kernel
     */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "AvgPool2d: input is null").avgPool2d(kernel, stride, padding, countIncludePad);
    }

    /** {@code AvgPool2d(kernel_size=2, stride=2, padding=0, count_include_pad=true)}. */
    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=" + PoolArgs.show(kernel) + ", stride=" + PoolArgs.show(stride)
                + ", padding=" + PoolArgs.show(padding) + ", count_include_pad=" + countIncludePad + ")";
    }
}
