package dev.grad4j.nn.optim;

import dev.grad4j.autograd.Gradients;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;

/** Rescaling of gradients before an optimizer step, against exploding gradients. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Clips the global L2 norm of all gradients, as PyTorch's {@code clip_grad_norm_}: computes
     * {@code norm = sqrt(sum over all gradient elements of g²)} (in double) and, when
     * {@code norm > maxNorm}, multiplies every gradient array IN PLACE by
     * {@code maxNorm / (norm + 1e-6)}. Gradients within the norm, or with a NaN norm, are left
     * unchanged. An infinite norm (some element is infinite) gives the factor 0, as in PyTorch: the
     * finite elements become 0 and the infinite ones NaN ({@code inf * 0}); check the returned norm
     * with {@link Double#isFinite} before stepping, or use {@code Autograd.detectAnomaly()}.
     *
     * <pre>{@code
     * Gradients grads = loss.backward();
     * GradientClipping.clipNorm(grads, 1.0f);
     * optimizer.step(grads);
     * }</pre>
     *
     * @return the norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is negative or not finite
     */
    public static double clipNorm(Gradients gradients, float maxNorm) {
        Objects.requireNonNull(gradients, "clipNorm: gradients is null");
        Hyper.nonNegative("clipNorm", "maxNorm", maxNorm);
        double sumSquares = 0;
        for (Tensor v : gradients.variables()) {
            for (float g : gradients.wrt(v).toArray()) {
                sumSquares += (double) g * g;
            }
        }
        double norm = Math.sqrt(sumSquares);
        if (norm > maxNorm) {
            float factor = (float) (maxNorm / (norm + 1e-6));
            // Backward may hand the same array to two variables: scale each array once.
            Set<NDArray> scaled = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Tensor v : gradients.variables()) {
                NDArray g = gradients.wrt(v);
                if (scaled.add(g)) {
                    Backend.cpu().scaleInPlace(g, factor);
                }
            }
        }
        return norm;
    }
}
