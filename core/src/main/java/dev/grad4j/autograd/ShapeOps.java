package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.Objects;

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

    static Tensor permute(Tensor x, int... dims) {
        int[] d = dims.clone();
        NDArray y = BACKEND.permute(x.value(), d); // validates
        int[] inverse = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            inverse[x.shape().axis("permute", d[i])] = i;
        }
        return Tensor.record("permute", y, (i, g) -> BACKEND.permute(g, inverse), x);
    }

    static Tensor squeeze(Tensor x, int dim) {
        Shape s = x.shape();
        int[] from = s.toArray();
        if (s.rank() == 0) {
            if (dim != 0 && dim != -1) {
                throw new IllegalArgumentException("squeeze: dim " + dim + " out of range for shape []");
            }
            return Tensor.record("squeeze", x.value().copy(), (i, g) -> g, x);
        }
        int d = s.axis("squeeze", dim);
        int[] to = from;
        if (from[d] == 1) { // as torch: a dim of another size is left alone
            to = new int[from.length - 1];
            for (int i = 0, j = 0; i < from.length; i++) {
                if (i != d) {
                    to[j++] = from[i];
                }
            }
        }
        NDArray y = x.value().reshape(to);
        return Tensor.record("squeeze", y, (i, g) -> g.reshape(from), x);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        Shape s = x.shape();
        int r = s.rank();
        int d = dim < 0 ? dim + r + 1 : dim;
        if (d < 0 || d > r) {
            throw new IllegalArgumentException("unsqueeze: dim " + dim + " out of range [" + -(r + 1) + ", " + r
                    + "] for shape " + s);
        }
        int[] from = s.toArray();
        int[] to = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            to[i] = i == d ? 1 : from[j++];
        }
        NDArray y = x.value().reshape(to);
        return Tensor.record("unsqueeze", y, (i, g) -> g.reshape(from), x);
    }

    static Tensor cat(int dim, Tensor... xs) {
        NDArray[] vs = values("cat", xs);
        NDArray y = BACKEND.cat(dim, vs); // validates
        int d = y.shape().axis("cat", dim);
        int[] offsets = new int[xs.length];
        int[] lengths = new int[xs.length];
        for (int i = 0, off = 0; i < xs.length; i++) {
            offsets[i] = off;
            lengths[i] = vs[i].shape().dim(d);
            off += lengths[i];
        }
        return Tensor.record("cat", y, (i, g) -> BACKEND.narrow(g, d, offsets[i], lengths[i]), xs);
    }

    static Tensor stack(int dim, Tensor... xs) {
        NDArray[] vs = values("stack", xs);
        NDArray y = BACKEND.stack(dim, vs); // validates
        int d = y.shape().axis("stack", dim);
        int[] in = vs[0].shape().toArray();
        return Tensor.record("stack", y, (i, g) -> BACKEND.narrow(g, d, i, 1).reshape(in), xs);
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        Shape in = x.shape();
        NDArray y = BACKEND.narrow(x.value(), dim, start, length);
        return Tensor.record("narrow", y, (i, g) -> BACKEND.narrowBackward(g, in, dim, start), x);
    }

    private static NDArray[] values(String op, Tensor... xs) {
        Objects.requireNonNull(xs, op + ": tensors are null");
        NDArray[] vs = new NDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            vs[i] = Objects.requireNonNull(xs[i], op + ": tensor " + i + " is null").value();
        }
        return vs;
    }
}
