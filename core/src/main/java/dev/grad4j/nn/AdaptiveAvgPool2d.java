package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * Adaptive average pooling to a fixed output size, as PyTorch's {@code nn.AdaptiveAvgPool2d}:
 * output row i averages input rows {@code [floor(i H / oh), ceil((i + 1) H / oh))}, columns
 * likewise. No parameters.
 *
 * <p>Shapes: input {@code [N, C, H, W]} or {@code [C, H, W]}, output {@code [N, C, oh, ow]} for any
 * input size (windows overlap when the sizes do not divide; the output may be larger).
 *
 * <pre>{@code
 * Module gap = new AdaptiveAvgPool2d(1);  // global average pooling: [8, 64, 7, 7] -> [8, 64, 1, 1]
 * }</pre>
 */
public final class AdaptiveAvgPool2d extends AbstractModule {

    private final int outH;
    private final int outW;

    /**
     * A square output {@code size x size}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    /**
     * An output of {@code outH x outW}.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got [" + outH + ", "
                    + outW + "]");
        }
        this.outH = outH;
        this.outW = outW;
    }

    /**
     * Returns {@code x.adaptiveAvgPool2d(outH, outW)}.
     *
     * @throws IllegalArgumentException if {@code x} is not 3-D or 4-D or has an empty plane
     */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "AdaptiveAvgPool2d: input is null").adaptiveAvgPool2d(outH, outW);
    }

    /** {@code AdaptiveAvgPool2d(output_size=(2, 3))}. */
    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(output_size=" + PoolArgs.show(new int[] {outH, outW}) + ")";
    }
}
