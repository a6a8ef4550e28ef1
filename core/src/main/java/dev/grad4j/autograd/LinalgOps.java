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
        int in = wv.shape().dim(1);
        int out = wv.shape().dim(0);
        int rows = leadingSize(xv.shape()); // x viewed as [rows, in], also when in or out is 0
        boolean flat = xv.shape().rank() == 2; // the common [batch, in]: no reshaping copies
        BackwardRule rule = (i, g) -> {
            NDArray g2 = flat ? g : g.reshape(rows, out);
            switch (i) {
                case 0:
                    NDArray dx = BACKEND.matmul(g2, wv); // dx = G W
                    return flat ? dx : dx.reshape(xv.shape().toArray());
                case 1:
                    return BACKEND.matmul(g2, true, flat ? xv : xv.reshape(rows, in), false); // dW = Gᵀ x
                default:
                    return BACKEND.sum(g2, new int[] {0}, false); // db = Σ_rows G
            }
        };
        return bias == null
                ? Tensor.record("linear", y, rule, x, weight)
                : Tensor.record("linear", y, rule, x, weight, bias);
    }

    /** The product of all dimensions but the last. */
    private static int leadingSize(Shape s) {
        int n = 1;
        for (int d = 0; d < s.rank() - 1; d++) {
            n *= s.dim(d);
        }
        return n;
    }
}
