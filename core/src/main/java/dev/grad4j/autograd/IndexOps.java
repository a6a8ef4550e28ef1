package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

/**
 * Ops driven by integer data (index-select, gather) or 0/1 masks (where, masked-fill), with their
 * backward rules. The integer arrays are not differentiable; {@link IntArray} is immutable, so the
 * rules keep a reference rather than a copy.
 */
final class IndexOps {

    /** The scalar 0 that a masked gradient takes where its input was not selected. */
    private static final NDArray ZERO = NDArray.scalar(0f);

    private IndexOps() {
    }

    static Tensor indexSelect(Tensor x, int dim, IntArray index) {
        Shape in = x.shape();
        NDArray y = BACKEND.indexSelect(x.value(), dim, index);
        return Tensor.record("indexSelect", y, (i, g) -> BACKEND.indexAdd(in, dim, index, g), x);
    }

    static Tensor gather(Tensor x, int dim, IntArray index) {
        Shape in = x.shape();
        NDArray y = BACKEND.gather(x.value(), dim, index);
        return Tensor.record("gather", y, (i, g) -> BACKEND.scatterAdd(in, dim, index, g), x);
    }

    static Tensor where(IntArray cond, Tensor a, Tensor b) {
        NDArray y = BACKEND.where(cond, a.value(), b.value());
        // The gradient in the output's shape; the tape sums it back over broadcast dims.
        return Tensor.record("where", y,
                (i, g) -> i == 0 ? BACKEND.where(cond, g, ZERO) : BACKEND.where(cond, ZERO, g), a, b);
    }

    static Tensor maskedFill(Tensor x, IntArray mask, float value) {
        NDArray y = BACKEND.maskedFill(x.value(), mask, value);
        return Tensor.record("maskedFill", y, (i, g) -> BACKEND.maskedFill(g, mask, 0f), x);
    }
}
