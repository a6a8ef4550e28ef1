package dev.grad4j.autograd;

import static dev.grad4j.autograd.Tensor.BACKEND;

import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

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
        int[] ax = axes == null ? null : axes.clone();
        NDArray xv = x.value();
        NDArray y = BACKEND.max(xv, ax, keepDim);
        return Tensor.record("max", y, (i, g) -> {
            // Gradient goes to the maxima of each group, split equally between ties.
            NDArray yKeep = y.reshape(keptShape(xv.shape(), ax));
            NDArray mask = BACKEND.binary(BinaryOp.EQUAL, xv, yKeep);
            NDArray count = BACKEND.sum(mask, ax, true);
            NDArray share = BACKEND.binary(BinaryOp.DIV, g.reshape(yKeep.shape().toArray()), count);
            return BACKEND.binary(BinaryOp.MUL, mask, share);
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
