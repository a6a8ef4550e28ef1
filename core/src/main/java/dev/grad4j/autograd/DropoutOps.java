package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** Inverted dropout with a mask drawn from an explicit generator. */
final class DropoutOps {

    private DropoutOps() {
    }

    static Tensor dropout(Tensor x, float p, boolean training, RandomGenerator random) {
        Objects.requireNonNull(random, "dropout: random is null");
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p
                    + " (input " + x.shape() + ")");
        }
        if (!training || p == 0f) {
            return x;
        }
        float[] mask = new float[x.value().size()];
        if (p < 1f) {
            float scale = 1f / (1f - p);
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextFloat() >= p ? scale : 0f;
            }
        }
        NDArray m = NDArray.wrap(mask, x.shape().toArray());
        NDArray y = BACKEND.binary(BinaryOp.MUL, x.value(), m);
        return Tensor.record("dropout", y, (i, g) -> BACKEND.binary(BinaryOp.MUL, g, m), x);
    }
}
