package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.NDArray;

import java.util.Arrays;
import java.util.Objects;

/**
 * Layer normalisation over the trailing dims {@code normalizedShape}, as PyTorch's
 * {@code nn.LayerNorm}: {@code (x - mean) / sqrt(var + eps) * weight + bias} with the mean and biased
 * variance of each group. Parameters {@code weight} (ones) and {@code bias} (zeros) of shape
 * {@code normalizedShape} when {@code elementwiseAffine}; defaults {@code eps = 1e-5}, affine.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(64);
 * Tensor y = ln.forward(x);                 // x [B, T, 64] -> [B, T, 64]
 * }</pre>
 */
public final class LayerNorm extends AbstractModule {

    /** PyTorch's default epsilon. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final int[] normalizedShape;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * Normalises over the trailing dims {@code normalizedShape}, eps {@code 1e-5}, with weight and bias.
     *
     * @param normalizedShape the trailing dims, such as {@code 64} or {@code 8, 8}
     * @throws IllegalArgumentException if {@code normalizedShape} is empty or has a non-positive dim
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, DEFAULT_EPS, true);
    }

    /**
     * Normalises over the trailing dims {@code normalizedShape}.
     *
     * @param normalizedShape the trailing dims
     * @param eps added to the variance, {@code >= 0}
     * @param elementwiseAffine whether to learn a weight and a bias
     * @throws IllegalArgumentException if {@code normalizedShape} is empty or has a non-positive dim,
     *     or {@code eps} is negative or not finite
     */
    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        Objects.requireNonNull(normalizedShape, "LayerNorm: normalizedShape is null");
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must be non-empty and positive, got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be finite and >= 0, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", NDArray.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", NDArray.zeros(normalizedShape)) : null;
    }

    /**
     * Normalises {@code x}, whose trailing dims must be {@code normalizedShape}; same shape out.
     *
     * @throws IllegalArgumentException if the trailing dims of {@code x} differ from {@code normalizedShape}
     */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "LayerNorm: input is null");
        return x.layerNorm(normalizedShape, weight, bias, eps);
    }

    /** {@code LayerNorm([64], eps=1.0E-5, affine=true)}. */
    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", affine=" + (weight != null) + ")";
    }
}
