package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.Objects;

/**
 * The leaky ReLU activation module {@code x > 0 ? x : negativeSlope * x} ({@code torch.nn.LeakyReLU},
 * default slope 0.01). Any shape; no parameters.
 */
public final class LeakyReLU implements Module {

    /** PyTorch's default negative slope. */
    public static final float DEFAULT_NEGATIVE_SLOPE = 0.01f;

    private final float negativeSlope;

    /** Creates the activation with the default slope 0.01. */
    public LeakyReLU() {
        this(DEFAULT_NEGATIVE_SLOPE);
    }

    /**
     * Creates the activation with the given slope for negative inputs.
     *
     * @param negativeSlope the slope for {@code x <= 0}
     * @throws IllegalArgumentException if the slope is not finite
     */
    public LeakyReLU(float negativeSlope) {
        if (!Float.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative slope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    /** Returns {@code x.leakyRelu(negativeSlope)}, same shape as {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        return Objects.requireNonNull(x, "LeakyReLU: input is null").leakyRelu(negativeSlope);
    }

    /** The slope for negative inputs. */
    public float negativeSlope() {
        return negativeSlope;
    }

    /** {@code LeakyReLU(negative_slope=0.01)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "LeakyReLU(negative_slope=" + negativeSlope + ")";
    }
}
