package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

/** Matrix products and the linear layer's affine map, with their backward rules. */
final class LinalgOps {

    private LinalgOps() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        NDArray av = a.value();
        NDArray bv = b.value();
        NDArray y = BACKEND.matmul(av, bv);
        return Tensor.record("matmul", y, (i, g) -> {
            if (i == 0) {
                return BACKEND.matmul(g, false, bv, true); // dA = G Bᵀ
            }
            if (av.shape().rank() == 3 && bv.shape().rank() == 2) {
                // [b, m, k] @ [k, n]: dB = A'ᵀ G' over the flattened batch, one product.
                Shape sa = av.shape();
                NDArray a2 = av.reshape(sa.dim(0) * sa.dim(1), sa.dim(2));
                NDArray g2 = g.reshape(sa.dim(0) * sa.dim(1), g.shape().dim(2));
                return BACKEND.matmul(a2, true, g2, false);
            }
            return BACKEND.matmul(av, true, g, false); // dB = Aᵀ G
        }, a, b);
    }

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        NDArray xv = x.value();
        NDArray wv = weight.value();
        NDArray y = BACKEND.linear(xv, wv, bias == null ? null : bias.value());
        int[] leading = new int[xv.shape().rank() - 1]; // db sums over every leading dimension
        for (int d = 0; d < leading.length; d++) {
            leading[d] = d;
        }
        BackwardRule rule = (i, g) -> switch (i) {
            case 0 -> BACKEND.linearInputGrad(g, wv); // dx = G W, x's leading dims kept
            case 1 -> BACKEND.linearWeightGrad(g, xv); // dW = Gᵀ x over all rows
            default -> leading.length == 0 ? g : BACKEND.sum(g, leading, false); // db = Σ_rows G (empty axes sum all)
        };
        return bias == null
                ? Tensor.record("linear", y, rule, x, weight)
                : Tensor.record("linear", y, rule, x, weight, bias);
    }
}
