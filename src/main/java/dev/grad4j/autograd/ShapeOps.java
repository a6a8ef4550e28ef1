package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.NDArray;

/** Ops that rearrange elements without computing on them. */
final class ShapeOps {

    private ShapeOps() {
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        NDArray y = BACKEND.transpose(x.value(), dim0, dim1);
        return Tensor.record("transpose", y, (i, g) -> BACKEND.transpose(g, dim0, dim1), x);
    }

    static Tensor reshape(Tensor x, int... dims) {
        int[] from = x.shape().toArray();
        NDArray y = x.value().reshape(dims);
        return Tensor.record("reshape", y, (i, g) -> g.reshape(from), x);
    }
}
