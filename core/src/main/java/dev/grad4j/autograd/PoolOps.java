package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.Objects;

/** 2-D pooling and flatten, the CNN ops besides convolution, with their backward rules. */
final class PoolOps {

    private PoolOps() {
    }

    static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        Objects.requireNonNull(kernel, "maxPool2d: kernel is null");
        int[] k = kernel.clone();
        int[] s = stride == null ? k.clone() : stride.clone();
        int[] p = padding == null ? new int[2] : padding.clone();
        Backend.MaxPoolResult r = BACKEND.maxPool2d(x.value(), k, s, p);
        IntArray argmax = r.indices();
        Shape in = x.shape();
        return Tensor.record("maxPool2d", r.output(), (i, g) -> BACKEND.maxPool2dBackward(g, argmax, in), x);
    }

    static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Objects.requireNonNull(kernel, "avgPool2d: kernel is null");
        int[] k = kernel.clone();
        int[] s = stride == null ? k.clone() : stride.clone();
        int[] p = padding == null ? new int[2] : padding.clone();
        NDArray y = BACKEND.avgPool2d(x.value(), k, s, p, countIncludePad);
        Shape in = x.shape();
        return Tensor.record("avgPool2d", y,
                (i, g) -> BACKEND.avgPool2dBackward(g, in, k, s, p, countIncludePad), x);
    }

    static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        NDArray y = BACKEND.adaptiveAvgPool2d(x.value(), outH, outW);
        Shape in = x.shape();
        return Tensor.record("adaptiveAvgPool2d", y, (i, g) -> BACKEND.adaptiveAvgPool2dBackward(g, in), x);
    }

    /** {@code torch.flatten}: merges dims {@code startDim..endDim} (inclusive); a scalar becomes {@code [1]}. */
    static Tensor flatten(Tensor x, int startDim, int endDim) {
        Shape s = x.shape();
        int rank = Math.max(1, s.rank()); // torch treats a scalar as 1-D here
        int a = startDim < 0 ? startDim + rank : startDim;
        int b = endDim < 0 ? endDim + rank : endDim;
        if (a < 0 || a >= rank || b < 0 || b >= rank) {
            throw new IllegalArgumentException("flatten: dims " + startDim + ".." + endDim
                    + " out of range for shape " + s);
        }
        if (a > b) {
            throw new IllegalArgumentException("flatten: start dim " + startDim + " comes after end dim " + endDim
                    + " for shape " + s);
        }
        if (s.rank() == 0) {
            return ShapeOps.reshape(x, 1);
        }
        int[] dims = new int[rank - (b - a)];
        int j = 0;
        for (int d = 0; d < a; d++) {
            dims[j++] = s.dim(d);
        }
        long merged = 1;
        for (int d = a; d <= b; d++) {
            merged *= s.dim(d);
        }
        dims[j++] = (int) merged;
        for (int d = b + 1; d < rank; d++) {
            dims[j++] = s.dim(d);
        }
        if (a == b) {
            return x; // nothing to merge; torch returns the input itself
        }
        int[] from = s.toArray();
        NDArray y = x.value().reshape(dims);
        return Tensor.record("flatten", y, (i, g) -> g.reshape(from), x);
    }
}
