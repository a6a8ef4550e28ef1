package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;
import dev.grad4j.tensor.UnaryOp;

/** Reductions over sets of axes, with their backward rules. */
final class ReduceOps {

    private ReduceOps() {
    }

    static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        Shape in = x.shape();
        NDArray y = BACKEND.sum(x.value(), ax, keepDim);
        return Tensor.record("sum", y, (i, g) -> spread(g, in, ax), x);
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        Shape in = x.shape();
        NDArray y = BACKEND.mean(x.value(), ax, keepDim);
        float count = (float) in.size() / Math.max(1, y.size());
        return Tensor.record("mean", y, (i, g) -> BACKEND.scale(spread(g, in, ax), 1f / count), x);
    }

    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        return extremum("max", x, axes, keepDim);
    }

    static Tensor min(Tensor x, int[] axes, boolean keepDim) {
        return extremum("min", x, axes, keepDim);
    }

    /** {@code max} or {@code min}: the gradient goes to the extreme elements of each group, split equally between ties. */
    private static Tensor extremum(String op, Tensor x, int[] axes, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        NDArray xv = x.value();
        NDArray y = op.equals("max") ? BACKEND.max(xv, ax, keepDim) : BACKEND.min(xv, ax, keepDim);
        return Tensor.record(op, y, (i, g) -> {
            NDArray yKeep = y.reshape(keptShape(xv.shape(), ax));
            NDArray mask = BACKEND.binary(BinaryOp.EQUAL, xv, yKeep);
            NDArray count = BACKEND.sum(mask, ax, true);
            NDArray share = BACKEND.binary(BinaryOp.DIV, g.reshape(yKeep.shape().toArray()), count);
            return BACKEND.binary(BinaryOp.MUL, mask, share);
        }, x);
    }

    static Tensor var(Tensor x, int[] axes, int correction, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        NDArray xv = x.value();
        NDArray y = BACKEND.var(xv, ax, correction, keepDim);
        return Tensor.record("var", y, (i, g) -> varBackward(g, xv, ax, correction, y.size()), x);
    }

    static Tensor std(Tensor x, int[] axes, int correction, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        NDArray xv = x.value();
        NDArray y = BACKEND.unary(UnaryOp.SQRT, BACKEND.var(xv, ax, correction, keepDim));
        return Tensor.record("std", y, (i, g) -> {
            // d std = d var / (2 std); 0 where std = 0 (a constant group), as PyTorch.
            NDArray gv = BACKEND.binary(BinaryOp.DIV, g, BACKEND.scale(y, 2f));
            IntArray zero = zeros(y);
            if (zero != null) {
                gv = BACKEND.maskedFill(gv, zero, 0f);
            }
            return varBackward(gv, xv, ax, correction, y.size());
        }, x);
    }

    /** {@code g * 2 (x - mean) / (n - correction)}, g broadcast over the reduced axes. */
    private static NDArray varBackward(NDArray g, NDArray xv, int[] ax, int correction, int outSize) {
        Shape in = xv.shape();
        long n = in.size() / Math.max(1, outSize);
        NDArray centred = BACKEND.binary(BinaryOp.SUB, xv, BACKEND.mean(xv, ax, true));
        NDArray gKeep = g.reshape(keptShape(in, ax));
        return BACKEND.scale(BACKEND.binary(BinaryOp.MUL, centred, gKeep), (float) (2.0 / (n - correction)));
    }

    /** A 0/1 mask of the zeros of {@code y}, or null when it has none. */
    private static IntArray zeros(NDArray y) {
        float[] v = y.toArray();
        int[] m = new int[v.length];
        boolean any = false;
        for (int k = 0; k < v.length; k++) {
            if (v[k] == 0f) {
                m[k] = 1;
                any = true;
            }
        }
        return any ? IntArray.wrap(m, y.shape().toArray()) : null;
    }

    static Tensor logSumExp(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = axes == null ? null : axes.clone();
        NDArray xv = x.value();
        NDArray y = BACKEND.logSumExp(xv, ax, keepDim);
        return Tensor.record("logSumExp", y, (i, g) -> {
            // d/dx logsumexp = softmax over the group = exp(x - y).
            int[] kept = keptShape(xv.shape(), ax);
            NDArray p = BACKEND.unary(UnaryOp.EXP, BACKEND.binary(BinaryOp.SUB, xv, y.reshape(kept)));
            return BACKEND.binary(BinaryOp.MUL, p, g.reshape(kept));
        }, x);
    }

    /** Broadcasts a reduced gradient back over the input shape. */
    private static NDArray spread(NDArray g, Shape in, int[] axes) {
        return BACKEND.broadcastTo(g.reshape(keptShape(in, axes)), in);
    }

    /** The keep-dim shape of reducing {@code in} over {@code axes} (null or empty: all). */
    private static int[] keptShape(Shape in, int[] axes) {
        int[] dims = in.toArray();
        if (axes == null || axes.length == 0) {
            java.util.Arrays.fill(dims, 1);
            return dims;
        }
        for (int a : axes) {
            if (in.rank() > 0) {
                dims[in.axis("reduce", a)] = 1;
            }
        }
        return dims;
    }
}
