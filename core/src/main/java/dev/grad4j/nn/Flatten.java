package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * Merges a range of dimensions into one, as PyTorch's {@code nn.Flatten}; by default every
 * dimension but the batch: {@code [N, C, H, W]} to {@code [N, C * H * W]}, the link between the
 * convolutional and the dense part of a CNN. No parameters.
 */
public final class Flatten extends AbstractModule {

    private final int startDim;
    private final int endDim;

    /** Flattens dims 1 to -1 (PyTorch's defaults). */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens dims {@code startDim..endDim}, inclusive; negative dims count from the end. */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /**
     * Returns {@code x.flatten(startDim, endDim)}.
     *
     * @throws IllegalArgumentException if a dim is out of range for {@code x} or start comes after end
     */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "Flatten: input is null").flatten(startDim, endDim);
    }

    /** {@code Flatten(start_dim=1, end_dim=-1)}. */
    @Override
    public String toString() {
        return "Flatten(start_dim=" + startDim + ", end_dim=" + endDim + ")";
    }
}
