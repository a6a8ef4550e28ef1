package dev.grad4j.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * The {@link Backend} on primitive float arrays. Methods validate their arguments once, then run
 * the package's kernels, which assume valid input.
 */
public final class CpuBackend implements Backend {

    static final CpuBackend INSTANCE = new CpuBackend();

    /** Elementwise work below this many elements per thread stays on the calling thread. */
    private static final int GRAIN = 1 << 15;
    /** A grain no array reaches: the op always runs on the calling thread. */
    private static final int NEVER_SPLIT = Integer.MAX_VALUE;

    private CpuBackend() {
    }

    // ---- elementwise ------------------------------------------------------------------------

    @Override
    public NDArray unary(UnaryOp op, NDArray x) {
        Objects.requireNonNull(op, "unary: op is null");
        Objects.requireNonNull(x, "unary: x is null");
        float[] y = new float[x.size()];
        float[] xd = x.data;
        KernelPool.forRange(y.length, grain(op), (from, to) -> Kernels.ELEMENTWISE.unary(op, xd, y, from, to));
        return new NDArray(y, x.shape());
    }

    /*
     * Ops of a few cheap instructions per element are bound by memory traffic (writing the fresh
     * output dominates), and a second thread only adds its hand-off: relu and add on [512, 784]
     * took 15% longer on two threads than on one. Only ops with a transcendental function, a
     * square root or a division per element are split between the kernel threads.
     */
    private static int grain(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU -> NEVER_SPLIT;
            default -> GRAIN;
        };
    }

    private static int backwardGrain(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, GELU, GELU_TANH, SILU -> GRAIN;
            default -> NEVER_SPLIT;
        };
    }

    @Override
    public NDArray unaryBackward(UnaryOp op, NDArray grad, NDArray x, NDArray y) {
        Objects.requireNonNull(op, "unary backward: op is null");
        requireNonNull(op.label() + " backward", grad, x, y);
        requireSameShape(op.label() + " backward", grad, x);
        requireSameShape(op.label() + " backward", grad, y);
        float[] r = new float[grad.size()];
        float[] gd = grad.data;
        float[] xd = x.data;
        float[] yd = y.data;
        KernelPool.forRange(r.length, backwardGrain(op),
                (from, to) -> Kernels.ELEMENTWISE.unaryBackward(op, gd, xd, yd, r, from, to));
        return new NDArray(r, grad.shape());
    }

    @Override
    public NDArray pow(NDArray x, float exponent) {
        Objects.requireNonNull(x, "pow: x is null");
        requireFinite("pow", "exponent", exponent);
        float[] y = new float[x.size()];
        Kernels.ELEMENTWISE.pow(x.data, y, 0, y.length, exponent);
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray powBackward(NDArray grad, NDArray x, float exponent) {
        requireNonNull("pow backward", grad, x);
        requireSameShape("pow backward", grad, x);
        float[] r = new float[x.size()];
        Kernels.ELEMENTWISE.powBackward(grad.data, x.data, r, 0, r.length, exponent);
        return new NDArray(r, x.shape());
    }

    @Override
    public NDArray binary(BinaryOp op, NDArray a, NDArray b) {
        Objects.requireNonNull(op, "binary: op is null");
        requireNonNull(op.label(), a, b);
        Shape out = Shape.broadcast(op.label(), a.shape(), b.shape());
        float[] r = new float[out.size()];
        if (r.length == 0) {
            return new NDArray(r, out);
        }
        if (a.shape().equals(b.shape())) {
            float[] ad = a.data;
            float[] bd = b.data;
            KernelPool.forRange(r.length, op == BinaryOp.DIV ? GRAIN : NEVER_SPLIT,
                    (from, to) -> Kernels.ELEMENTWISE.binary(op, ad, from, 1, bd, from, 1, r, from, to - from));
        } else if (b.size() == 1 && a.shape().equals(out)) {
            Kernels.ELEMENTWISE.binary(op, a.data, 0, 1, b.data, 0, 0, r, 0, r.length);
        } else if (a.size() == 1 && b.shape().equals(out)) {
            Kernels.ELEMENTWISE.binary(op, a.data, 0, 0, b.data, 0, 1, r, 0, r.length);
        } else {
            broadcastBinary(op, a, b, out, r);
        }
        return new NDArray(r, out);
    }

    private static void broadcastBinary(BinaryOp op, NDArray a, NDArray b, Shape out, float[] r) {
        int rank = out.rank();
        int[] dims = out.toArray();
        int[] sa = ShapeKernels.broadcastStrides(a.shape(), out);
        int[] sb = ShapeKernels.broadcastStrides(b.shape(), out);
        int inner = dims[rank - 1];
        int rows = r.length / inner;
        int[] idx = new int[rank];
        int oa = 0;
        int ob = 0;
        for (int row = 0; row < rows; row++) {
            Kernels.ELEMENTWISE.binary(op, a.data, oa, sa[rank - 1], b.data, ob, sb[rank - 1], r, row * inner, inner);
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                oa += sa[d];
                ob += sb[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                oa -= sa[d] * dims[d];
                ob -= sb[d] * dims[d];
                idx[d] = 0;
            }
        }
    }

    @Override
    public NDArray scale(NDArray x, float s) {
        Objects.requireNonNull(x, "scale: x is null");
        float[] y = new float[x.size()];
        Kernels.ELEMENTWISE.scale(x.data, y, 0, y.length, s);
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray where(IntArray cond, NDArray a, NDArray b) {
        Objects.requireNonNull(cond, "where: condition is null");
        requireNonNull("where", a, b);
        Shape out;
        try {
            out = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: shapes cannot be broadcast together: condition "
                    + cond.shape() + ", a " + a.shape() + ", b " + b.shape(), e);
        }
        requireZeroOne("where", "condition", cond);
        float[] r = new float[out.size()];
        IndexKernels.where(cond.data, ShapeKernels.broadcastStrides(cond.shape(), out),
                a.data, ShapeKernels.broadcastStrides(a.shape(), out),
                b.data, ShapeKernels.broadcastStrides(b.shape(), out), out.toArray(), r);
        return new NDArray(r, out);
    }

    @Override
    public NDArray maskedFill(NDArray x, IntArray mask, float value) {
        Objects.requireNonNull(x, "maskedFill: x is null");
        Objects.requireNonNull(mask, "maskedFill: mask is null");
        Shape out = x.shape();
        boolean fits;
        try {
            fits = Shape.broadcast("maskedFill", mask.shape(), out).equals(out);
        } catch (IllegalArgumentException e) {
            fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException("maskedFill: mask " + mask.shape()
                    + " does not broadcast to the shape of x " + out);
        }
        requireZeroOne("maskedFill", "mask", mask);
        float[] r = new float[out.size()];
        IndexKernels.where(mask.data, ShapeKernels.broadcastStrides(mask.shape(), out),
                new float[] {value}, new int[out.rank()], x.data, out.strides(), out.toArray(), r);
        return new NDArray(r, out);
    }

    @Override
    public NDArray clamp(NDArray x, float min, float max) {
        Objects.requireNonNull(x, "clamp: x is null");
        requireBounds(min, max);
        float[] y = new float[x.size()];
        ActivationKernels.clamp(x.data, y, 0, y.length, min, max);
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray clampBackward(NDArray grad, NDArray x, float min, float max) {
        requireNonNull("clamp backward", grad, x);
        requireSameShape("clamp backward", grad, x);
        requireBounds(min, max);
        float[] r = new float[x.size()];
        ActivationKernels.clampBackward(grad.data, x.data, r, 0, r.length, min, max);
        return new NDArray(r, x.shape());
    }

    private static void requireBounds(float min, float max) {
        if (min != min || max != max) {
            throw new IllegalArgumentException("clamp: bounds must not be NaN, got min " + min + ", max " + max);
        }
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
    }

    @Override
    public NDArray leakyRelu(NDArray x, float slope) {
        Objects.requireNonNull(x, "leakyRelu: x is null");
        requireFinite("leakyRelu", "slope", slope);
        float[] y = new float[x.size()];
        ActivationKernels.leakyRelu(x.data, y, 0, y.length, slope);
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray leakyReluBackward(NDArray grad, NDArray x, float slope) {
        requireNonNull("leakyRelu backward", grad, x);
        requireSameShape("leakyRelu backward", grad, x);
        requireFinite("leakyRelu backward", "slope", slope);
        float[] r = new float[x.size()];
        ActivationKernels.leakyReluBackward(grad.data, x.data, r, 0, r.length, slope);
        return new NDArray(r, x.shape());
    }

    @Override
    public NDArray elu(NDArray x, float alpha) {
        Objects.requireNonNull(x, "elu: x is null");
        requireFinite("elu", "alpha", alpha);
        float[] y = new float[x.size()];
        float[] xd = x.data;
        KernelPool.forRange(y.length, GRAIN, (from, to) -> ActivationKernels.elu(xd, y, from, to, alpha));
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray eluBackward(NDArray grad, NDArray x, float alpha) {
        requireNonNull("elu backward", grad, x);
        requireSameShape("elu backward", grad, x);
        requireFinite("elu backward", "alpha", alpha);
        float[] r = new float[x.size()];
        float[] gd = grad.data;
        float[] xd = x.data;
        KernelPool.forRange(r.length, GRAIN, (from, to) -> ActivationKernels.eluBackward(gd, xd, r, from, to, alpha));
        return new NDArray(r, x.shape());
    }

    @Override
    public NDArray softplus(NDArray x, float beta, float threshold) {
        Objects.requireNonNull(x, "softplus: x is null");
        requireSoftplus("softplus", beta, threshold);
        float[] y = new float[x.size()];
        float[] xd = x.data;
        KernelPool.forRange(y.length, GRAIN, (from, to) -> ActivationKernels.softplus(xd, y, from, to, beta, threshold));
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray softplusBackward(NDArray grad, NDArray x, float beta, float threshold) {
        requireNonNull("softplus backward", grad, x);
        requireSameShape("softplus backward", grad, x);
        requireSoftplus("softplus backward", beta, threshold);
        float[] r = new float[x.size()];
        float[] gd = grad.data;
        float[] xd = x.data;
        KernelPool.forRange(r.length, GRAIN,
                (from, to) -> ActivationKernels.softplusBackward(gd, xd, r, from, to, beta, threshold));
        return new NDArray(r, x.shape());
    }

    private static void requireSoftplus(String op, float beta, float threshold) {
        if (!(beta > 0f) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException(op + ": beta must be positive and finite, got " + beta);
        }
        if (threshold != threshold) {
            throw new IllegalArgumentException(op + ": threshold must not be NaN");
        }
    }

    /** Throws unless every element of {@code a} is 0 or 1, naming the first other value and its position. */
    private static void requireZeroOne(String op, String what, IntArray a) {
        int[] d = a.data;
        for (int i = 0; i < d.length; i++) {
            if (d[i] != 0 && d[i] != 1) {
                throw new IllegalArgumentException(op + ": " + what + " must hold 0 or 1, got " + d[i]
                        + " at flat position " + i + " (" + what + " of shape " + a.shape() + ")");
            }
        }
    }

    // ---- shape --------------------------------------------------------------------------------

    @Override
    public NDArray transpose(NDArray x, int dim0, int dim1) {
        Objects.requireNonNull(x, "transpose: x is null");
        Shape s = x.shape();
        if (s.rank() < 2) {
            throw new IllegalArgumentException("transpose: needs at least 2 dimensions, got shape " + s);
        }
        int d0 = s.axis("transpose", dim0);
        int d1 = s.axis("transpose", dim1);
        if (d0 == d1) {
            return x.copy();
        }
        Shape out = s.swap(d0, d1);
        int[] strides = s.strides();
        int t = strides[d0];
        strides[d0] = strides[d1];
        strides[d1] = t;
        float[] r = new float[x.size()];
        ShapeKernels.gather(x.data, strides, out.toArray(), r);
        return new NDArray(r, out);
    }

    @Override
    public NDArray broadcastTo(NDArray x, Shape shape) {
        Objects.requireNonNull(x, "broadcastTo: x is null");
        Objects.requireNonNull(shape, "broadcastTo: shape is null");
        Shape b = Shape.broadcast("broadcastTo", x.shape(), shape);
        if (!b.equals(shape)) {
            throw new IllegalArgumentException("broadcastTo: cannot broadcast " + x.shape() + " to " + shape);
        }
        if (x.shape().equals(shape)) {
            return x.copy();
        }
        float[] r = new float[shape.size()];
        ShapeKernels.gather(x.data, ShapeKernels.broadcastStrides(x.shape(), shape), shape.toArray(), r);
        return new NDArray(r, shape);
    }

    @Override
    public NDArray sumTo(NDArray x, Shape shape) {
        Objects.requireNonNull(x, "sumTo: x is null");
        Objects.requireNonNull(shape, "sumTo: shape is null");
        Shape from = x.shape();
        if (from.equals(shape)) {
            return x;
        }
        Shape b = Shape.broadcast("sumTo", shape, from);
        if (!b.equals(from)) {
            throw new IllegalArgumentException("sumTo: " + shape + " does not broadcast to " + from);
        }
        int rank = from.rank();
        int off = rank - shape.rank();
        boolean[] reduced = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            reduced[i] = i < off || (shape.at(i - off) == 1 && from.at(i) != 1);
        }
        float[] r = new float[shape.size()];
        ReduceKernels.sum(x.data, from.toArray(), reduced, r);
        return new NDArray(r, shape);
    }

    @Override
    public NDArray permute(NDArray x, int... dims) {
        Objects.requireNonNull(x, "permute: x is null");
        Objects.requireNonNull(dims, "permute: dims is null");
        Shape s = x.shape();
        int rank = s.rank();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims " + Arrays.toString(dims)
                    + " for shape " + s + " of rank " + rank);
        }
        int[] strides = s.strides();
        int[] outDims = new int[rank];
        int[] inStrides = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = s.axis("permute", dims[i]);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + dims[i] + " repeated in "
                        + Arrays.toString(dims) + " for shape " + s);
            }
            seen[d] = true;
            outDims[i] = s.at(d);
            inStrides[i] = strides[d];
        }
        float[] r = new float[x.size()];
        ShapeKernels.gather(x.data, inStrides, outDims, r);
        return new NDArray(r, Shape.of(outDims));
    }

    @Override
    public NDArray cat(int dim, NDArray... xs) {
        Objects.requireNonNull(xs, "cat: arrays are null");
        if (xs.length == 0) {
            throw new IllegalArgumentException("cat: needs at least one array");
        }
        requireNonNull("cat", xs);
        Shape first = xs[0].shape();
        if (first.rank() == 0) {
            throw new IllegalArgumentException("cat: cannot concatenate scalars (shape [])");
        }
        int d = first.axis("cat", dim);
        int total = 0;
        for (NDArray x : xs) {
            Shape s = x.shape();
            boolean ok = s.rank() == first.rank();
            for (int i = 0; ok && i < s.rank(); i++) {
                ok = i == d || s.at(i) == first.at(i);
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: shapes differ outside dim " + dim + ": "
                        + shapes(xs));
            }
            total += s.at(d);
        }
        int[] outDims = first.toArray();
        outDims[d] = total;
        Shape out = Shape.of(outDims);
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= first.at(i);
        }
        int inner = 1;
        for (int i = d + 1; i < first.rank(); i++) {
            inner *= first.at(i);
        }
        float[] r = new float[out.size()];
        int offset = 0;
        for (NDArray x : xs) {
            int n = x.shape().at(d);
            IndexKernels.copyBlock(x.data, outer, n, inner, r, total, offset);
            offset += n;
        }
        return new NDArray(r, out);
    }

    @Override
    public NDArray stack(int dim, NDArray... xs) {
        Objects.requireNonNull(xs, "stack: arrays are null");
        if (xs.length == 0) {
            throw new IllegalArgumentException("stack: needs at least one array");
        }
        requireNonNull("stack", xs);
        Shape s = xs[0].shape();
        for (NDArray x : xs) {
            if (!x.shape().equals(s)) {
                throw new IllegalArgumentException("stack: arrays must share one shape, got " + shapes(xs));
            }
        }
        int d = insertAxis("stack", s, dim);
        int[] one = new int[s.rank() + 1];
        for (int i = 0, j = 0; i < one.length; i++) {
            one[i] = i == d ? 1 : s.at(j++);
        }
        Shape unit = Shape.of(one);
        NDArray[] views = new NDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            views[i] = new NDArray(xs[i].data, unit); // shares the data: cat only reads it
        }
        return cat(d, views);
    }

    /** Normalises the position of a new dimension inserted into {@code s}: {@code [-(r+1), r]}. */
    private static int insertAxis(String op, Shape s, int dim) {
        int r = s.rank();
        int d = dim < 0 ? dim + r + 1 : dim;
        if (d < 0 || d > r) {
            throw new IllegalArgumentException(op + ": dim " + dim + " out of range [" + -(r + 1) + ", " + r
                    + "] for shape " + s);
        }
        return d;
    }

    private static String shapes(NDArray... xs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            b.append(i == 0 ? "" : ", ").append(xs[i].shape());
        }
        return b.toString();
    }

    @Override
    public NDArray narrow(NDArray x, int dim, int start, int length) {
        Objects.requireNonNull(x, "narrow: x is null");
        Shape s = x.shape();
        int[] oni = narrowGeometry("narrow", s, dim, start, length);
        int[] outDims = s.toArray();
        outDims[oni[3]] = length;
        float[] r = new float[oni[0] * length * oni[2]];
        IndexKernels.narrow(x.data, oni[0], oni[1], oni[2], start, length, r);
        return new NDArray(r, Shape.of(outDims));
    }

    @Override
    public NDArray narrowBackward(NDArray grad, Shape shape, int dim, int start) {
        Objects.requireNonNull(grad, "narrow backward: grad is null");
        Objects.requireNonNull(shape, "narrow backward: shape is null");
        Shape g = grad.shape();
        if (g.rank() != shape.rank() || g.rank() == 0) {
            throw new IllegalArgumentException("narrow backward: grad " + g + " is not a slice of " + shape);
        }
        int d = shape.axis("narrow backward", dim);
        int length = g.at(d);
        int[] oni = narrowGeometry("narrow backward", shape, dim, start, length);
        for (int i = 0; i < g.rank(); i++) {
            if (i != d && g.at(i) != shape.at(i)) {
                throw new IllegalArgumentException("narrow backward: grad " + g + " is not a slice of " + shape
                        + " along dim " + dim);
            }
        }
        float[] r = new float[shape.size()];
        IndexKernels.copyBlock(grad.data, oni[0], length, oni[2], r, oni[1], start);
        return new NDArray(r, shape);
    }

    /** Validates a slice and returns {@code [outer, n, inner, dim]} of {@code s} around the normalised dim. */
    private static int[] narrowGeometry(String op, Shape s, int dim, int start, int length) {
        if (s.rank() == 0) {
            throw new IllegalArgumentException(op + ": cannot narrow a scalar (shape [])");
        }
        int[] oni = outerNInner(op, s, dim);
        int n = oni[1];
        if (start < 0 || length < 0 || start > n - length) {
            throw new IllegalArgumentException(op + ": slice start " + start + ", length " + length
                    + " does not lie inside dim " + dim + " of size " + n + " (shape " + s + ")");
        }
        return new int[] {oni[0], n, oni[2], s.axis(op, dim)};
    }

    @Override
    public NDArray indexSelect(NDArray x, int dim, IntArray index) {
        Objects.requireNonNull(x, "indexSelect: x is null");
        Objects.requireNonNull(index, "indexSelect: index is null");
        Shape s = x.shape();
        int[] oni = indexGeometry("indexSelect", s, dim, index);
        int[] outDims = s.toArray();
        outDims[oni[3]] = index.size();
        Shape outShape = Shape.of("indexSelect", outDims);
        float[] r = new float[outShape.size()];
        IndexKernels.indexSelect(x.data, oni[0], oni[1], oni[2], index.data, r);
        return new NDArray(r, outShape);
    }

    @Override
    public NDArray indexAdd(Shape shape, int dim, IntArray index, NDArray source) {
        Objects.requireNonNull(shape, "indexAdd: shape is null");
        Objects.requireNonNull(index, "indexAdd: index is null");
        Objects.requireNonNull(source, "indexAdd: source is null");
        int[] oni = indexGeometry("indexAdd", shape, dim, index);
        int[] expected = shape.toArray();
        expected[oni[3]] = index.size();
        if (!source.shape().equals(Shape.of(expected))) {
            throw new IllegalArgumentException("indexAdd: source " + source.shape() + " must be "
                    + Shape.of(expected) + " for shape " + shape + ", dim " + dim + ", index " + index.shape());
        }
        float[] r = new float[shape.size()];
        IndexKernels.indexAdd(source.data, oni[0], oni[1], oni[2], index.data, r);
        return new NDArray(r, shape);
    }

    /** Validates a 1-D (or scalar) index into dim of {@code s}; returns {@code [outer, n, inner, dim]}. */
    private static int[] indexGeometry(String op, Shape s, int dim, IntArray index) {
        if (s.rank() == 0) {
            throw new IllegalArgumentException(op + ": needs at least 1 dimension, got shape []");
        }
        if (index.shape().rank() > 1) {
            throw new IllegalArgumentException(op + ": index must be 1-D, got shape " + index.shape());
        }
        int[] oni = outerNInner(op, s, dim);
        index.requireRange(op, "index", oni[1]);
        return new int[] {oni[0], oni[1], oni[2], s.axis(op, dim)};
    }

    @Override
    public NDArray gather(NDArray x, int dim, IntArray index) {
        Objects.requireNonNull(x, "gather: x is null");
        Objects.requireNonNull(index, "gather: index is null");
        int d = gatherAxis("gather", x.shape(), dim, index);
        float[] r = new float[index.size()];
        IndexKernels.gather(x.data, x.shape().strides(), d, index.data, index.shape().toArray(), r, false);
        return new NDArray(r, index.shape());
    }

    @Override
    public NDArray scatterAdd(Shape shape, int dim, IntArray index, NDArray source) {
        Objects.requireNonNull(shape, "scatterAdd: shape is null");
        Objects.requireNonNull(index, "scatterAdd: index is null");
        Objects.requireNonNull(source, "scatterAdd: source is null");
        int d = gatherAxis("scatterAdd", shape, dim, index);
        if (!source.shape().equals(index.shape())) {
            throw new IllegalArgumentException("scatterAdd: source " + source.shape() + " and index "
                    + index.shape() + " differ");
        }
        float[] r = new float[shape.size()];
        IndexKernels.gather(r, shape.strides(), d, index.data, index.shape().toArray(), source.data, true);
        return new NDArray(r, shape);
    }

    private static int gatherAxis(String op, Shape s, int dim, IntArray index) {
        Shape is = index.shape();
        if (s.rank() == 0) {
            throw new IllegalArgumentException(op + ": needs at least 1 dimension, got shape []");
        }
        int d = s.axis(op, dim);
        if (is.rank() != s.rank()) {
            throw new IllegalArgumentException(op + ": index rank " + is.rank() + " differs from rank "
                    + s.rank() + ": index " + is + ", x " + s);
        }
        for (int i = 0; i < s.rank(); i++) {
            if (i != d && is.at(i) > s.at(i)) {
                throw new IllegalArgumentException(op + ": index " + is + " is larger than x " + s
                        + " in dim " + i + " (only dim " + dim + " may differ)");
            }
        }
        index.requireRange(op, "index", s.at(d));
        return d;
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public NDArray sum(NDArray x, int[] axes, boolean keepDim) {
        Objects.requireNonNull(x, "sum: x is null");
        boolean[] reduced = reducedAxes("sum", x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        float[] r = new float[out.size()];
        int rank = x.shape().rank();
        if (rank == 0) {
            r[0] = x.data[0];
        } else if (rank >= 2 && !reduced[rank - 1] && allTrue(reduced, rank - 1)
                && x.size() >= SEQ_PARALLEL_MIN && x.shape().dim(-1) >= 2 * KernelPool.THREADS) {
            // the sum over every leading axis (a bias gradient): columns split between the threads
            int inner = x.shape().dim(-1);
            int rows = x.size() / inner;
            float[] xd = x.data;
            int parts = KernelPool.THREADS;
            KernelPool.run(parts, part -> ReduceKernels.sumColumns(xd, rows, inner, r,
                    (int) ((long) inner * part / parts), (int) ((long) inner * (part + 1) / parts)));
        } else {
            ReduceKernels.sum(x.data, x.shape().toArray(), reduced, r);
        }
        return new NDArray(r, out);
    }

    /** True if {@code flags[0, n)} are all set. */
    private static boolean allTrue(boolean[] flags, int n) {
        for (int i = 0; i < n; i++) {
            if (!flags[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public NDArray mean(NDArray x, int[] axes, boolean keepDim) {
        Objects.requireNonNull(x, "mean: x is null");
        boolean[] reduced = reducedAxes("mean", x.shape(), axes);
        long count = groupSize(x.shape(), reduced);
        if (count == 0) {
            throw new IllegalArgumentException("mean: empty reduction over shape " + x.shape()
                    + " axes " + Arrays.toString(axes));
        }
        NDArray s = sum(x, axes, keepDim);
        float[] r = s.data;
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (r[i] / (double) count);
        }
        return s;
    }

    @Override
    public NDArray max(NDArray x, int[] axes, boolean keepDim) {
        return extremum("max", x, axes, keepDim);
    }

    @Override
    public NDArray min(NDArray x, int[] axes, boolean keepDim) {
        return extremum("min", x, axes, keepDim);
    }

    private static NDArray extremum(String op, NDArray x, int[] axes, boolean keepDim) {
        Objects.requireNonNull(x, op + ": x is null");
        boolean[] reduced = reducedAxes(op, x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        if (groupSize(x.shape(), reduced) == 0 && out.size() > 0) {
            throw new IllegalArgumentException(op + ": empty reduction over shape " + x.shape()
                    + " axes " + Arrays.toString(axes));
        }
        float[] r = new float[out.size()];
        if (x.shape().rank() == 0) {
            r[0] = x.data[0];
        } else if (op.equals("max")) {
            ReduceKernels.max(x.data, x.shape().toArray(), reduced, r);
        } else {
            ReduceKernels.min(x.data, x.shape().toArray(), reduced, r);
        }
        return new NDArray(r, out);
    }

    @Override
    public NDArray var(NDArray x, int[] axes, int correction, boolean keepDim) {
        Objects.requireNonNull(x, "var: x is null");
        if (correction < 0) {
            throw new IllegalArgumentException("var: correction must be >= 0, got " + correction);
        }
        boolean[] reduced = reducedAxes("var", x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        long n = groupSize(x.shape(), reduced);
        if (n - correction <= 0 && out.size() > 0) {
            throw new IllegalArgumentException("var: " + n + " reduced element(s) with correction " + correction
                    + " leave no degrees of freedom: shape " + x.shape() + " axes " + Arrays.toString(axes));
        }
        int[] dims = statDims(x.shape());
        boolean[] red = statReduced(reduced);
        double[] mean = new double[out.size()];
        StatKernels.accumulate(x.data, dims, red, null, StatKernels.SUM, mean);
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= n;
        }
        double[] ss = new double[out.size()];
        StatKernels.accumulate(x.data, dims, red, mean, StatKernels.SQUARES, ss);
        float[] r = new float[out.size()];
        double divisor = n - correction;
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (ss[i] / divisor);
        }
        return new NDArray(r, out);
    }

    @Override
    public NDArray logSumExp(NDArray x, int[] axes, boolean keepDim) {
        Objects.requireNonNull(x, "logSumExp: x is null");
        boolean[] reduced = reducedAxes("logSumExp", x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        int[] dims = statDims(x.shape());
        boolean[] red = statReduced(reduced);
        float[] m = new float[out.size()];
        ReduceKernels.max(x.data, dims, red, m); // -inf for an empty group: log(0) = -inf, as torch
        double[] shift = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            shift[i] = Float.isInfinite(m[i]) ? 0.0 : m[i]; // as torch: no shift by an infinite max
        }
        double[] s = new double[m.length];
        StatKernels.accumulate(x.data, dims, red, shift, StatKernels.EXP, s);
        float[] r = new float[m.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (shift[i] + Math.log(s[i]));
        }
        return new NDArray(r, out);
    }

    /** The dims a statistics kernel iterates over: a scalar is viewed as {@code [1]}. */
    private static int[] statDims(Shape s) {
        return s.rank() == 0 ? new int[] {1} : s.toArray();
    }

    private static boolean[] statReduced(boolean[] reduced) {
        return reduced.length == 0 ? new boolean[] {true} : reduced;
    }

    private static boolean[] reducedAxes(String op, Shape s, int[] axes) {
        boolean[] reduced = new boolean[s.rank()];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
            return reduced;
        }
        for (int axis : axes) {
            if (s.rank() == 0 && (axis == 0 || axis == -1)) {
                continue; // torch accepts dim 0 / -1 on a scalar
            }
            int a = s.axis(op, axis);
            if (reduced[a]) {
                throw new IllegalArgumentException(op + ": axis " + axis + " repeated in "
                        + Arrays.toString(axes) + " for shape " + s);
            }
            reduced[a] = true;
        }
        return reduced;
    }

    private static Shape reducedShape(Shape s, boolean[] reduced, boolean keepDim) {
        int n = 0;
        for (boolean r : reduced) {
            if (!r || keepDim) {
                n++;
            }
        }
        int[] dims = new int[n];
        int j = 0;
        for (int i = 0; i < reduced.length; i++) {
            if (!reduced[i]) {
                dims[j++] = s.at(i);
            } else if (keepDim) {
                dims[j++] = 1;
            }
        }
        return Shape.of(dims);
    }

    private static long groupSize(Shape s, boolean[] reduced) {
        long n = 1;
        for (int i = 0; i < reduced.length; i++) {
            if (reduced[i]) {
                n *= s.at(i);
            }
        }
        return n;
    }

    @Override
    public NDArray softmax(NDArray x, int axis) {
        return softmaxFamily("softmax", x, axis, false);
    }

    @Override
    public NDArray logSoftmax(NDArray x, int axis) {
        return softmaxFamily("logSoftmax", x, axis, true);
    }

    private static NDArray softmaxFamily(String op, NDArray x, int axis, boolean log) {
        requireNonNull(op, x);
        int[] oni = outerNInner(op, x.shape(), axis);
        float[] y = new float[x.size()];
        ReduceKernels.softmax(x.data, y, oni[0], oni[1], oni[2], log);
        return new NDArray(y, x.shape());
    }

    @Override
    public NDArray softmaxBackward(NDArray grad, NDArray y, int axis) {
        return softmaxFamilyBackward("softmax backward", grad, y, axis, false);
    }

    @Override
    public NDArray logSoftmaxBackward(NDArray grad, NDArray y, int axis) {
        return softmaxFamilyBackward("logSoftmax backward", grad, y, axis, true);
    }

    private static NDArray softmaxFamilyBackward(String op, NDArray grad, NDArray y, int axis, boolean log) {
        requireNonNull(op, grad, y);
        requireSameShape(op, grad, y);
        int[] oni = outerNInner(op, y.shape(), axis);
        float[] r = new float[y.size()];
        ReduceKernels.softmaxBackward(grad.data, y.data, r, oni[0], oni[1], oni[2], log);
        return new NDArray(r, y.shape());
    }

    /** Views a shape as {@code [outer, n, inner]} around {@code axis}; a scalar is {@code [1, 1, 1]}. */
    private static int[] outerNInner(String op, Shape s, int axis) {
        if (s.rank() == 0) {
            if (axis != 0 && axis != -1) {
                throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + s);
            }
            return new int[] {1, 1, 1};
        }
        int a = s.axis(op, axis);
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= s.at(i);
        }
        int inner = 1;
        for (int i = a + 1; i < s.rank(); i++) {
            inner *= s.at(i);
        }
        return new int[] {outer, s.at(a), inner};
    }

    // ---- pooling and normalisation ------------------------------------------------------------

    /** Pooling and batch-norm work below this many input elements per thread stays on the caller. */
    private static final int POOL_GRAIN = 1 << 14;

    /** The geometry of a pooling call: x viewed as {@code [planes, h, w]} and the output size. */
    private record PoolGeometry(int planes, int h, int w, int oh, int ow, int[] outDims) {
    }

    /** Validates a 3-D or 4-D pooling input; the batch may be empty, the other dims not. */
    private static void requirePoolInput(String op, Shape s) {
        if (s.rank() != 3 && s.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W] or [C, H, W], got " + s);
        }
        for (int d = s.rank() - 3; d < s.rank(); d++) {
            if (s.at(d) == 0) {
                throw new IllegalArgumentException(op + ": input has an empty channel or spatial dimension: " + s);
            }
        }
    }

    private static int[] pair(String op, String what, int[] v) {
        Objects.requireNonNull(v, op + ": " + what + " is null");
        if (v.length != 2) {
            throw new IllegalArgumentException(op + ": " + what + " must have 2 elements, got " + Arrays.toString(v));
        }
        return v;
    }

    /** Validates kernel, stride and padding as torch's pooling does and returns the geometry. */
    private static PoolGeometry poolGeometry(String op, Shape s, int[] kernel, int[] stride, int[] padding) {
        pair(op, "kernel", kernel);
        pair(op, "stride", stride);
        pair(op, "padding", padding);
        requirePoolInput(op, s);
        for (int i = 0; i < 2; i++) {
            if (kernel[i] <= 0 || stride[i] <= 0) {
                throw new IllegalArgumentException(op + ": kernel and stride must be positive, got kernel "
                        + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride) + " for input " + s);
            }
            if (padding[i] < 0 || padding[i] > kernel[i] / 2) {
                throw new IllegalArgumentException(op + ": padding must be in [0, kernel / 2], got padding "
                        + Arrays.toString(padding) + " for kernel " + Arrays.toString(kernel) + ", input " + s);
            }
        }
        int h = s.dim(-2);
        int w = s.dim(-1);
        long oh = ((long) h + 2L * padding[0] - kernel[0]) / stride[0] + 1;
        long ow = ((long) w + 2L * padding[1] - kernel[1]) / stride[1] + 1;
        if (h + 2L * padding[0] < kernel[0] || w + 2L * padding[1] < kernel[1] || oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kernel)
                    + " is larger than the padded input: input " + s + ", padding " + Arrays.toString(padding));
        }
        return geometry(s, (int) oh, (int) ow);
    }

    private static PoolGeometry geometry(Shape s, int oh, int ow) {
        int[] dims = s.toArray();
        dims[dims.length - 2] = oh;
        dims[dims.length - 1] = ow;
        int h = s.dim(-2);
        int w = s.dim(-1);
        // The product of the leading dims (not size / (h * w): h * w may be 0 or above an int).
        return new PoolGeometry(Shape.size("pool", Arrays.copyOf(dims, dims.length - 2)), h, w, oh, ow, dims);
    }

    /** The number of planes per thread part so that each part holds about {@link #POOL_GRAIN} elements. */
    private static int planeGrain(int planeSize) {
        return Math.max(1, POOL_GRAIN / Math.max(1, planeSize));
    }

    private static void requireGradShape(String op, NDArray grad, int[] outDims) {
        if (!grad.shape().equals(Shape.of(outDims))) {
            throw new IllegalArgumentException(op + ": gradient shape " + grad.shape() + " differs from output shape "
                    + Shape.of(outDims));
        }
    }

    @Override
    public MaxPoolResult maxPool2d(NDArray x, int[] kernel, int[] stride, int[] padding) {
        Objects.requireNonNull(x, "maxPool2d: x is null");
        PoolGeometry g = poolGeometry("maxPool2d", x.shape(), kernel, stride, padding);
        int outSize = Shape.size("maxPool2d", g.planes(), g.oh(), g.ow());
        float[] y = new float[outSize];
        int[] idx = new int[outSize];
        float[] xd = x.data;
        int kh = kernel[0];
        int kw = kernel[1];
        int sh = stride[0];
        int sw = stride[1];
        int ph = padding[0];
        int pw = padding[1];
        KernelPool.forItems(g.planes(), planeGrain(g.h() * g.w()), (from, to) -> PoolKernels.maxPool(
                xd, y, idx, from, to, g.h(), g.w(), g.oh(), g.ow(), kh, kw, sh, sw, ph, pw));
        Shape out = Shape.of(g.outDims());
        return new MaxPoolResult(new NDArray(y, out), new IntArray(idx, out));
    }

    @Override
    public NDArray maxPool2dBackward(NDArray grad, IntArray indices, Shape inputShape) {
        Objects.requireNonNull(grad, "maxPool2d backward: grad is null");
        Objects.requireNonNull(indices, "maxPool2d backward: indices is null");
        Objects.requireNonNull(inputShape, "maxPool2d backward: inputShape is null");
        requirePoolInput("maxPool2d backward", inputShape);
        Shape gs = grad.shape();
        if (!gs.equals(indices.shape()) || gs.rank() != inputShape.rank()
                || !prefixEquals(gs, inputShape, gs.rank() - 2)) {
            throw new IllegalArgumentException("maxPool2d backward: gradient " + gs + ", indices " + indices.shape()
                    + " do not fit input " + inputShape);
        }
        int hw = inputShape.dim(-2) * inputShape.dim(-1);
        indices.requireRange("maxPool2d backward", "index", hw);
        float[] dx = new float[inputShape.size()];
        int ohw = gs.dim(-2) * gs.dim(-1);
        float[] gd = grad.data;
        int[] id = indices.data;
        KernelPool.forItems(inputShape.size() / hw, planeGrain(hw),
                (from, to) -> PoolKernels.maxPoolBackward(gd, id, dx, from, to, hw, ohw));
        return new NDArray(dx, inputShape);
    }

    private static boolean prefixEquals(Shape a, Shape b, int n) {
        for (int i = 0; i < n; i++) {
            if (a.at(i) != b.at(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public NDArray avgPool2d(NDArray x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Objects.requireNonNull(x, "avgPool2d: x is null");
        PoolGeometry g = poolGeometry("avgPool2d", x.shape(), kernel, stride, padding);
        float[] y = new float[Shape.size("avgPool2d", g.planes(), g.oh(), g.ow())];
        float[] xd = x.data;
        int kh = kernel[0];
        int kw = kernel[1];
        int sh = stride[0];
        int sw = stride[1];
        int ph = padding[0];
        int pw = padding[1];
        KernelPool.forItems(g.planes(), planeGrain(g.h() * g.w()), (from, to) -> PoolKernels.avgPool(
                xd, y, from, to, g.h(), g.w(), g.oh(), g.ow(), kh, kw, sh, sw, ph, pw, countIncludePad));
        return new NDArray(y, Shape.of(g.outDims()));
    }

    @Override
    public NDArray avgPool2dBackward(NDArray grad, Shape inputShape, int[] kernel, int[] stride, int[] padding,
                                     boolean countIncludePad) {
        Objects.requireNonNull(grad, "avgPool2d backward: grad is null");
        Objects.requireNonNull(inputShape, "avgPool2d backward: inputShape is null");
        PoolGeometry g = poolGeometry("avgPool2d backward", inputShape, kernel, stride, padding);
        requireGradShape("avgPool2d backward", grad, g.outDims());
        float[] dx = new float[inputShape.size()];
        float[] gd = grad.data;
        int kh = kernel[0];
        int kw = kernel[1];
        int sh = stride[0];
        int sw = stride[1];
        int ph = padding[0];
        int pw = padding[1];
        KernelPool.forItems(g.planes(), planeGrain(g.h() * g.w()), (from, to) -> PoolKernels.avgPoolBackward(
                gd, dx, from, to, g.h(), g.w(), g.oh(), g.ow(), kh, kw, sh, sw, ph, pw, countIncludePad));
        return new NDArray(dx, inputShape);
    }

    @Override
    public NDArray adaptiveAvgPool2d(NDArray x, int outH, int outW) {
        Objects.requireNonNull(x, "adaptiveAvgPool2d: x is null");
        requirePoolInput("adaptiveAvgPool2d", x.shape());
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size must be positive, got [" + outH + ", "
                    + outW + "] for input " + x.shape());
        }
        PoolGeometry g = geometry(x.shape(), outH, outW);
        float[] y = new float[Shape.size("adaptiveAvgPool2d", g.planes(), outH, outW)];
        float[] xd = x.data;
        KernelPool.forItems(g.planes(), planeGrain(g.h() * g.w()),
                (from, to) -> PoolKernels.adaptiveAvgPool(xd, y, from, to, g.h(), g.w(), outH, outW));
        return new NDArray(y, Shape.of(g.outDims()));
    }

    @Override
    public NDArray adaptiveAvgPool2dBackward(NDArray grad, Shape inputShape) {
        Objects.requireNonNull(grad, "adaptiveAvgPool2d backward: grad is null");
        Objects.requireNonNull(inputShape, "adaptiveAvgPool2d backward: inputShape is null");
        requirePoolInput("adaptiveAvgPool2d backward", inputShape);
        Shape gs = grad.shape();
        if (gs.rank() != inputShape.rank() || !prefixEquals(gs, inputShape, gs.rank() - 2)
                || gs.dim(-2) == 0 || gs.dim(-1) == 0) {
            throw new IllegalArgumentException("adaptiveAvgPool2d backward: gradient " + gs
                    + " does not fit input " + inputShape);
        }
        PoolGeometry g = geometry(inputShape, gs.dim(-2), gs.dim(-1));
        float[] dx = new float[inputShape.size()];
        float[] gd = grad.data;
        KernelPool.forItems(g.planes(), planeGrain(g.h() * g.w()), (from, to) ->
                PoolKernels.adaptiveAvgPoolBackward(gd, dx, from, to, g.h(), g.w(), g.oh(), g.ow()));
        return new NDArray(dx, inputShape);
    }

    /** Validates a non-empty batch-norm input {@code [N, C, ...]} and returns it as {@code [n, c, s]}. */
    private static int[] batchNormDims(String op, NDArray x) {
        Shape s = x.shape();
        if (s.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must have at least 2 dimensions [N, C, ...], got " + s);
        }
        if (s.size() == 0) {
            throw new IllegalArgumentException(op + ": input must not be empty, got " + s);
        }
        int n = s.at(0);
        int c = s.at(1);
        return new int[] {n, c, s.size() / (n * c)};
    }

    /** Checks that a per-channel array (null allowed) is {@code [C]} for input {@code x}. */
    private static void requireChannels(String op, String what, NDArray p, NDArray x) {
        int c = x.shape().at(1);
        if (p != null && !p.shape().equals(Shape.of(c))) {
            throw new IllegalArgumentException(op + ": " + what + " must be [" + c + "] (the channels of input "
                    + x.shape() + "), got " + p.shape());
        }
    }

    private static void requireEps(String op, float eps) {
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
        }
    }

    private static int channelGrain(int perChannel) {
        return Math.max(1, POOL_GRAIN / Math.max(1, perChannel));
    }

    @Override
    public BatchNormResult batchNormTraining(NDArray x, NDArray weight, NDArray bias, float eps) {
        Objects.requireNonNull(x, "batchNorm: x is null");
        int[] d = batchNormDims("batchNorm", x);
        requireChannels("batchNorm", "weight", weight, x);
        requireChannels("batchNorm", "bias", bias, x);
        requireEps("batchNorm", eps);
        int n = d[0];
        int c = d[1];
        int s = d[2];
        if (n * s == 1) {
            throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, "
                    + "got input " + x.shape());
        }
        float[] mean = new float[c];
        float[] var = new float[c];
        float[] invStd = new float[c];
        float[] y = new float[x.size()];
        float[] xd = x.data;
        float[] w = weight == null ? null : weight.data;
        float[] b = bias == null ? null : bias.data;
        KernelPool.forItems(c, channelGrain(n * s), (from, to) -> {
            Kernels.BATCH_NORM.stats(xd, n, c, s, from, to, eps, mean, var, invStd);
            Kernels.BATCH_NORM.normalize(xd, y, n, c, s, from, to, mean, invStd, w, b);
        });
        return new BatchNormResult(new NDArray(y, x.shape()), new NDArray(mean, Shape.of(c)),
                new NDArray(var, Shape.of(c)), new NDArray(invStd, Shape.of(c)));
    }

    @Override
    public BatchNormResult batchNormEval(NDArray x, NDArray weight, NDArray bias, NDArray runningMean,
                                         NDArray runningVar, float eps) {
        Objects.requireNonNull(x, "batchNorm: x is null");
        Objects.requireNonNull(runningMean, "batchNorm: running mean is null in evaluation mode");
        Objects.requireNonNull(runningVar, "batchNorm: running var is null in evaluation mode");
        int[] d = batchNormDims("batchNorm", x);
        requireChannels("batchNorm", "weight", weight, x);
        requireChannels("batchNorm", "bias", bias, x);
        requireChannels("batchNorm", "running mean", runningMean, x);
        requireChannels("batchNorm", "running var", runningVar, x);
        requireEps("batchNorm", eps);
        int n = d[0];
        int c = d[1];
        int s = d[2];
        float[] mean = runningMean.data.clone();
        float[] var = runningVar.data.clone();
        float[] invStd = new float[c];
        for (int ch = 0; ch < c; ch++) {
            invStd[ch] = (float) (1.0 / Math.sqrt((double) var[ch] + eps));
        }
        float[] y = new float[x.size()];
        float[] xd = x.data;
        float[] w = weight == null ? null : weight.data;
        float[] b = bias == null ? null : bias.data;
        KernelPool.forItems(c, channelGrain(n * s),
                (from, to) -> Kernels.BATCH_NORM.normalize(xd, y, n, c, s, from, to, mean, invStd, w, b));
        return new BatchNormResult(new NDArray(y, x.shape()), new NDArray(mean, Shape.of(c)),
                new NDArray(var, Shape.of(c)), new NDArray(invStd, Shape.of(c)));
    }

    @Override
    public BatchNormGrads batchNormBackward(NDArray grad, NDArray x, NDArray weight, NDArray mean, NDArray invStd,
                                           boolean training, boolean inputGradient) {
        requireNonNull("batchNorm backward", grad, x, mean, invStd); // weight may be null
        requireSameShape("batchNorm backward", grad, x);
        int[] d = batchNormDims("batchNorm backward", x);
        requireChannels("batchNorm backward", "weight", weight, x);
        requireChannels("batchNorm backward", "mean", mean, x);
        requireChannels("batchNorm backward", "invStd", invStd, x);
        int n = d[0];
        int c = d[1];
        int s = d[2];
        float[] dx = inputGradient ? new float[x.size()] : null;
        float[] dw = new float[c];
        float[] db = new float[c];
        float[] gd = grad.data;
        float[] xd = x.data;
        float[] w = weight == null ? null : weight.data;
        float[] md = mean.data;
        float[] is = invStd.data;
        KernelPool.forItems(c, channelGrain(n * s), (from, to) ->
                Kernels.BATCH_NORM.backward(gd, xd, n, c, s, from, to, md, is, w, training, dx, dw, db));
        return new BatchNormGrads(dx == null ? null : new NDArray(dx, x.shape()),
                new NDArray(dw, Shape.of(c)), new NDArray(db, Shape.of(c)));
    }

    @Override
    public void batchNormUpdateStats(NDArray runningMean, NDArray runningVar, NDArray mean, NDArray variance,
                                     long count, float momentum) {
        requireNonNull("batchNorm running stats", runningMean, runningVar, mean, variance);
        if (runningMean.shape().rank() != 1) {
            throw new IllegalArgumentException("batchNorm running stats: running mean must be [C], got "
                    + runningMean.shape());
        }
        requireSameShape("batchNorm running stats", runningMean, runningVar);
        requireSameShape("batchNorm running stats", runningMean, mean);
        requireSameShape("batchNorm running stats", runningMean, variance);
        requireFinite("batchNorm running stats", "momentum", momentum);
        if (count < 2) {
            throw new IllegalArgumentException("batchNorm running stats: need more than 1 value per channel, got "
                    + count);
        }
        double m = momentum;
        double unbias = (double) count / (count - 1);
        float[] rm = runningMean.data;
        float[] rv = runningVar.data;
        for (int ch = 0; ch < rm.length; ch++) {
            rm[ch] = (float) (m * mean.data[ch] + (1 - m) * rm[ch]);
            rv[ch] = (float) (m * variance.data[ch] * unbias + (1 - m) * rv[ch]);
        }
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public NDArray matmul(NDArray a, boolean transposeA, NDArray b, boolean transposeB) {
        requireNonNull("matmul", a, b);
        Shape out = matmulShape("matmul", a, transposeA, b, transposeB);
        float[] c = new float[out.size()];
        multiply(a, transposeA, b, transposeB, c, true); // c is fresh: accumulating into zeros
        return new NDArray(c, out);
    }

    @Override
    public void matmulInto(NDArray a, boolean transposeA, NDArray b, boolean transposeB, NDArray out) {
        requireNonNull("matmulInto", a, b, out);
        Shape expected = matmulShape("matmulInto", a, transposeA, b, transposeB);
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException("matmulInto: out must have shape " + expected + " for "
                    + describe(a.shape(), transposeA) + " @ " + describe(b.shape(), transposeB) + ", got " + out.shape());
        }
        if (out.data == a.data || out.data == b.data) {
            throw new IllegalArgumentException("matmulInto: out " + out.shape() + " shares its storage with operand "
                    + (out.data == a.data ? "a " + a.shape() : "b " + b.shape()));
        }
        multiply(a, transposeA, b, transposeB, out.data, false);
    }

    /** The shape of {@code op(a) @ op(b)}, checking ranks, inner dimensions and batch sizes. */
    private static Shape matmulShape(String op, NDArray a, boolean transposeA, NDArray b, boolean transposeB) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        if (sa.rank() < 2 || sa.rank() > 3 || sb.rank() < 2 || sb.rank() > 3) {
            throw new IllegalArgumentException(op + ": operands must be 2-D or 3-D: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        int m = transposeA ? sa.dim(-1) : sa.dim(-2);
        int k = transposeA ? sa.dim(-2) : sa.dim(-1);
        int kb = transposeB ? sb.dim(-1) : sb.dim(-2);
        int n = transposeB ? sb.dim(-2) : sb.dim(-1);
        if (k != kb) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        if (sa.rank() == 3 && sb.rank() == 3 && sa.at(0) != sb.at(0)) {
            throw new IllegalArgumentException(op + ": batch dimensions differ: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        if (sa.rank() == 3 || sb.rank() == 3) {
            return Shape.of(sa.rank() == 3 ? sa.at(0) : sb.at(0), m, n); // not max: a 3-D operand may have batch 0
        }
        return Shape.of(m, n);
    }

    /** Computes {@code op(a) @ op(b)} (shapes checked by {@link #matmulShape}) into, or onto, {@code c}. */
    private static void multiply(NDArray a, boolean transposeA, NDArray b, boolean transposeB, float[] c,
                                 boolean accumulate) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        int m = transposeA ? sa.dim(-1) : sa.dim(-2);
        int k = transposeA ? sa.dim(-2) : sa.dim(-1);
        int n = transposeB ? sb.dim(-2) : sb.dim(-1);
        int batch = sa.rank() == 3 ? sa.at(0) : sb.rank() == 3 ? sb.at(0) : 1;
        int strideA = sa.rank() == 3 ? m * k : 0;
        int strideB = sb.rank() == 3 ? k * n : 0;
        if (sa.rank() == 3 && strideB == 0 && !transposeA) {
            // [b, m, k] @ [k, n]: one product of [b*m, k] @ [k, n].
            Gemm.gemm(false, transposeB, batch * m, n, k, a.data, 0, b.data, 0, c, 0, accumulate);
        } else {
            for (int i = 0; i < batch; i++) {
                Gemm.gemm(transposeA, transposeB, m, n, k, a.data, i * strideA, b.data, i * strideB,
                        c, i * m * n, accumulate);
            }
        }
    }

    private static String describe(Shape s, boolean transposed) {
        return transposed ? s + "ᵀ" : s.toString();
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        requireNonNull("linear", x, weight); // bias may be null
        Shape sx = x.shape();
        Shape sw = weight.shape();
        if (sw.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must be [out, in], got " + sw);
        }
        if (sx.rank() < 1 || sx.dim(-1) != sw.at(1)) {
            throw new IllegalArgumentException("linear: input features differ from weight: x " + sx
                    + ", weight " + sw);
        }
        int out = sw.at(0);
        int in = sw.at(1);
        if (bias != null && !bias.shape().equals(Shape.of(out))) {
            throw new IllegalArgumentException("linear: bias must be [" + out + "], got " + bias.shape()
                    + " (weight " + sw + ")");
        }
        int rows = in == 0 ? sizeWithoutLast(sx) : x.size() / in;
        Shape outShape = withLastDim("linear", sx, out);
        float[] c = new float[outShape.size()];
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias.data, 0, c, r * out, out);
            }
        }
        Gemm.gemm(false, true, rows, out, in, x.data, 0, weight.data, 0, c, 0, true);
        return new NDArray(c, outShape);
    }

    /** {@code s} with its last dimension replaced by {@code last} (size checked for {@code op}). */
    private static Shape withLastDim(String op, Shape s, int last) {
        int[] dims = s.toArray();
        dims[dims.length - 1] = last;
        return Shape.of(op, dims);
    }

    @Override
    public NDArray linearInputGrad(NDArray grad, NDArray weight) {
        requireNonNull("linear input gradient", grad, weight);
        Shape sg = grad.shape();
        Shape sw = weight.shape();
        if (sw.rank() != 2 || sg.rank() < 1 || sg.dim(-1) != sw.at(0)) {
            throw new IllegalArgumentException("linear input gradient: grad " + sg + " does not fit weight " + sw
                    + " ([..., out] and [out, in])");
        }
        int out = sw.at(0);
        int in = sw.at(1);
        int rows = out == 0 ? sizeWithoutLast(sg) : grad.size() / out;
        Shape resultShape = withLastDim("linear input gradient", sg, in);
        float[] c = new float[resultShape.size()];
        Gemm.gemm(false, false, rows, in, out, grad.data, 0, weight.data, 0, c, 0, true); // c is fresh: zeros
        return new NDArray(c, resultShape);
    }

    @Override
    public NDArray linearWeightGrad(NDArray grad, NDArray x) {
        requireNonNull("linear weight gradient", grad, x);
        Shape sg = grad.shape();
        Shape sx = x.shape();
        if (sg.rank() < 1 || sg.rank() != sx.rank()
                || !Arrays.equals(Arrays.copyOf(sg.toArray(), sg.rank() - 1), Arrays.copyOf(sx.toArray(), sx.rank() - 1))) {
            throw new IllegalArgumentException("linear weight gradient: grad " + sg + " and x " + sx
                    + " must have the same leading dimensions ([..., out] and [..., in])");
        }
        int out = sg.dim(-1);
        int in = sx.dim(-1);
        int rows = out > 0 ? grad.size() / out : in > 0 ? x.size() / in : sizeWithoutLast(sg);
        float[] c = new float[Math.multiplyExact(out, in)];
        // c is fresh, so zeros: accumulating saves clearing it again (at batch 1 this outer product
        // is one multiply per element, and the clear was a third of its time)
        Gemm.gemm(true, false, out, in, rows, grad.data, 0, x.data, 0, c, 0, true);
        return new NDArray(c, Shape.of(out, in));
    }

    private static int sizeWithoutLast(Shape s) {
        int n = 1;
        for (int i = 0; i < s.rank() - 1; i++) {
            n *= s.at(i);
        }
        return n;
    }

    // ---- convolution ------------------------------------------------------------------------

    @Override
    public NDArray conv(NDArray x, NDArray weight, NDArray bias, int[] stride, int[] padding, int[] dilation,
                        int groups) {
        String op = convName(stride);
        requireNonNull(op, x, weight); // bias may be null
        ConvKernels.Geometry g = convGeometry(op, x.shape(), weight.shape(), stride, padding, dilation, groups);
        if (bias != null && !bias.shape().equals(Shape.of(g.o))) {
            throw new IllegalArgumentException(op + ": bias must be [" + g.o + "], got " + bias.shape()
                    + ": x " + x.shape() + ", weight " + weight.shape());
        }
        float[] y = new float[g.outShape.size()];
        ConvKernels.forward(g, x.data, weight.data, bias == null ? null : bias.data, y);
        return new NDArray(y, g.outShape);
    }

    @Override
    public NDArray convBackwardInput(NDArray grad, NDArray weight, Shape inputShape, int[] stride, int[] padding,
                                     int[] dilation, int groups) {
        String op = convName(stride) + " backward";
        requireNonNull(op, grad, weight);
        Objects.requireNonNull(inputShape, op + ": input shape is null");
        ConvKernels.Geometry g = convGeometry(op, inputShape, weight.shape(), stride, padding, dilation, groups);
        requireConvGrad(op, grad, g);
        float[] dx = new float[inputShape.size()];
        ConvKernels.backwardInput(g, grad.data, weight.data, dx);
        return new NDArray(dx, inputShape);
    }

    @Override
    public NDArray convBackwardWeight(NDArray grad, NDArray x, Shape weightShape, int[] stride, int[] padding,
                                      int[] dilation, int groups) {
        String op = convName(stride) + " backward";
        requireNonNull(op, grad, x);
        Objects.requireNonNull(weightShape, op + ": weight shape is null");
        ConvKernels.Geometry g = convGeometry(op, x.shape(), weightShape, stride, padding, dilation, groups);
        requireConvGrad(op, grad, g);
        float[] dw = new float[weightShape.size()];
        ConvKernels.backwardWeight(g, grad.data, x.data, dw);
        return new NDArray(dw, weightShape);
    }

    @Override
    public NDArray convBackwardBias(NDArray grad) {
        Objects.requireNonNull(grad, "conv backward: grad is null");
        Shape s = grad.shape();
        if (s.rank() < 2) {
            throw new IllegalArgumentException("conv backward: grad must be [N, O, ...], got " + s);
        }
        int n = s.at(0);
        int o = s.at(1);
        int p = o == 0 || n == 0 ? 0 : grad.size() / (n * o);
        float[] db = new float[o];
        float[] g = grad.data;
        // Channels split between the threads: each channel's sum is computed whole by one of them
        KernelPool.forItems(o, channelGrain(n * p), (from, to) -> ConvKernels.backwardBias(g, n, o, p, from, to, db));
        return new NDArray(db, Shape.of(o));
    }

    private static String convName(int[] stride) {
        Objects.requireNonNull(stride, "conv: stride is null");
        if (stride.length != 1 && stride.length != 2) {
            throw new IllegalArgumentException("conv: stride must have 1 (conv1d) or 2 (conv2d) elements, got "
                    + Arrays.toString(stride));
        }
        return stride.length == 1 ? "conv1d" : "conv2d";
    }

    private static void requireConvGrad(String op, NDArray grad, ConvKernels.Geometry g) {
        if (!grad.shape().equals(g.outShape)) {
            throw new IllegalArgumentException(op + ": grad must have the output shape " + g.outShape + ", got "
                    + grad.shape());
        }
    }

    /** Validates a convolution's shapes and hyperparameters; {@code op} is conv1d or conv2d (plus context). */
    private static ConvKernels.Geometry convGeometry(String op, Shape x, Shape w, int[] stride, int[] padding,
                                                     int[] dilation, int groups) {
        Objects.requireNonNull(padding, op + ": padding is null");
        Objects.requireNonNull(dilation, op + ": dilation is null");
        int sp = stride.length;
        boolean oneD = sp == 1;
        if (padding.length != sp || dilation.length != sp) {
            throw new IllegalArgumentException(op + ": stride, padding and dilation must each have " + sp
                    + " element(s): stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
                    + ", dilation " + Arrays.toString(dilation));
        }
        String dims = oneD ? "L" : "H, W";
        String kdims = oneD ? "K" : "kh, kw";
        if (x.rank() != sp + 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C, " + dims + "], got " + x
                    + " (weight " + w + ")");
        }
        if (w.rank() != sp + 2) {
            throw new IllegalArgumentException(op + ": weight must be [O, C/groups, " + kdims + "], got " + w
                    + " (input " + x + ")");
        }
        String shapes = ": x " + x + ", weight " + w;
        for (int i = 0; i < sp; i++) {
            if (stride[i] <= 0) {
                throw new IllegalArgumentException(op + ": stride must be positive, got " + Arrays.toString(stride) + shapes);
            }
            if (dilation[i] <= 0) {
                throw new IllegalArgumentException(op + ": dilation must be positive, got "
                        + Arrays.toString(dilation) + shapes);
            }
            if (padding[i] < 0) {
                throw new IllegalArgumentException(op + ": padding must be non-negative, got "
                        + Arrays.toString(padding) + shapes);
            }
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(op + ": groups must be positive, got " + groups + shapes);
        }
        int c = x.at(1);
        int o = w.at(0);
        if (c % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels " + c + " not divisible by groups " + groups + shapes);
        }
        if (o % groups != 0) {
            throw new IllegalArgumentException(op + ": output channels " + o + " not divisible by groups " + groups + shapes);
        }
        if (w.at(1) != c / groups) {
            throw new IllegalArgumentException(op + ": weight in-channels " + w.at(1) + " != input channels " + c
                    + " / groups " + groups + shapes);
        }
        int[] in = new int[sp];
        int[] kernel = new int[sp];
        long[] dilated = new long[sp];
        long[] padded = new long[sp];
        boolean tooLarge = false;
        for (int i = 0; i < sp; i++) {
            in[i] = x.at(2 + i);
            kernel[i] = w.at(2 + i);
            if (kernel[i] == 0) {
                throw new IllegalArgumentException(op + ": kernel size must be positive" + shapes);
            }
            dilated[i] = (long) dilation[i] * (kernel[i] - 1) + 1;
            padded[i] = in[i] + 2L * padding[i];
            if (padded[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": padding too large: " + Arrays.toString(padding) + shapes);
            }
            tooLarge |= dilated[i] > padded[i];
        }
        if (tooLarge) {
            throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kernel) + " (dilated "
                    + Arrays.toString(dilated) + ") larger than padded input " + Arrays.toString(padded) + shapes
                    + ", padding " + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation));
        }
        return oneD
                ? new ConvKernels.Geometry(x.at(0), c, 1, in[0], o, 1, kernel[0], 1, stride[0], 0, padding[0],
                        1, dilation[0], groups, true)
                : new ConvKernels.Geometry(x.at(0), c, in[0], in[1], o, kernel[0], kernel[1], stride[0], stride[1],
                        padding[0], padding[1], dilation[0], dilation[1], groups, false);
    }

    // ---- in-place updates -------------------------------------------------------------------

    @Override
    public void assign(NDArray target, NDArray source) {
        requireNonNull("assign", target, source);
        requireSameShape("assign", target, source);
        System.arraycopy(source.data, 0, target.data, 0, source.data.length);
    }

    @Override
    public void scaleInPlace(NDArray x, float s) {
        Objects.requireNonNull(x, "scaleInPlace: x is null");
        requireFinite("scaleInPlace", "factor", s);
        Kernels.ELEMENTWISE.scale(x.data, x.data, 0, x.data.length, s);
    }

    @Override
    public void sgdStep(NDArray param, NDArray grad, NDArray buffer, boolean first, float lr, float momentum,
                        float dampening, boolean nesterov, float weightDecay) {
        requireNonNull("sgd", param, grad);
        requireNonNegative("sgd", "lr", lr);
        requireNonNegative("sgd", "momentum", momentum);
        requireNonNegative("sgd", "dampening", dampening);
        requireNonNegative("sgd", "weight decay", weightDecay);
        requireSameShape("sgd", param, grad);
        if (momentum != 0f) {
            Objects.requireNonNull(buffer, "sgd: momentum buffer is null");
            requireSameShape("sgd", param, buffer);
        }
        Kernels.OPTIMIZER.sgd(param.data, grad.data, buffer == null ? null : buffer.data, 0, param.size(), first,
                lr, momentum, dampening, nesterov, weightDecay);
    }

    @Override
    public void adamStep(NDArray param, NDArray grad, NDArray m, NDArray v, NDArray vMax, int t, float lr,
                         float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        requireNonNull("adam", param, grad, m, v); // vMax is null without AMSGrad
        requireNonNegative("adam", "lr", lr);
        requireUnitInterval("adam", "beta1", beta1);
        requireUnitInterval("adam", "beta2", beta2);
        if (!(eps > 0f) || Float.isInfinite(eps)) {
            // eps = 0 divides 0 by 0 wherever a gradient and its moments are 0.
            throw new IllegalArgumentException("adam: eps must be finite and > 0, got " + eps);
        }
        requireNonNegative("adam", "weight decay", weightDecay);
        requireSameShape("adam", param, grad);
        requireSameShape("adam", param, m);
        requireSameShape("adam", param, v);
        if (vMax != null) {
            requireSameShape("adam", param, vMax);
        }
        if (t < 1) {
            throw new IllegalArgumentException("adam: step must be >= 1, got " + t);
        }
        OptimizerKernels.AdamScalars scalars =
                OptimizerKernels.AdamScalars.of(t, lr, beta1, beta2, eps, weightDecay, decoupled);
        float[] p = param.data;
        float[] g = grad.data;
        float[] md = m.data;
        float[] vd = v.data;
        float[] vmd = vMax == null ? null : vMax.data;
        KernelPool.forRange(p.length, GRAIN,
                (from, to) -> Kernels.OPTIMIZER.adam(p, g, md, vd, vmd, from, to, scalars));
    }

    // ---- sequence layers ----------------------------------------------------------------------

    /** Below this many multiply-adds (or element visits) a sequence-layer kernel runs on one thread. */
    private static final long SEQ_PARALLEL_MIN = 1L << 16;

    @Override
    public LayerNormResult layerNorm(NDArray x, int[] normalizedShape, NDArray weight, NDArray bias, float eps) {
        String op = "layerNorm";
        Objects.requireNonNull(x, op + ": x is null");
        Objects.requireNonNull(normalizedShape, op + ": normalizedShape is null");
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
        }
        Shape ns = Shape.of(normalizedShape);
        Shape lead = leadingShape(op, x.shape(), ns);
        if (weight != null && !weight.shape().equals(ns)) {
            throw new IllegalArgumentException(op + ": weight must have shape " + ns + ", got " + weight.shape());
        }
        if (bias != null && !bias.shape().equals(ns)) {
            throw new IllegalArgumentException(op + ": bias must have shape " + ns + ", got " + bias.shape());
        }
        int n = ns.size();
        int rows = lead.size();
        float[] y = new float[x.size()];
        float[] mean = new float[rows];
        float[] inv = new float[rows];
        float[] xd = x.data;
        float[] wd = weight == null ? null : weight.data;
        float[] bd = bias == null ? null : bias.data;
        if (n > 0) {
            KernelPool.forItems(rows, rowGrain(n),
                    (r0, r1) -> Kernels.LAYER_NORM.forward(xd, wd, bd, y, mean, inv, n, eps, r0, r1));
        }
        return new LayerNormResult(new NDArray(y, x.shape()), new NDArray(mean, lead), new NDArray(inv, lead));
    }

    /** Rows of length {@code n} per thread: enough that a part has {@link #SEQ_PARALLEL_MIN} elements. */
    private static int rowGrain(int n) {
        return (int) Math.max(1, SEQ_PARALLEL_MIN / Math.max(1, n));
    }

    /** x's dims before the trailing {@code ns}, which must match. */
    private static Shape leadingShape(String op, Shape xs, Shape ns) {
        if (ns.rank() == 0 || ns.rank() > xs.rank()) {
            throw new IllegalArgumentException(op + ": normalizedShape " + ns
                    + " must be 1 to rank(x) trailing dims of x " + xs);
        }
        int off = xs.rank() - ns.rank();
        for (int i = 0; i < ns.rank(); i++) {
            if (xs.at(off + i) != ns.at(i)) {
                throw new IllegalArgumentException(op + ": trailing dims of x " + xs
                        + " differ from normalizedShape " + ns);
            }
        }
        return Shape.of(Arrays.copyOf(xs.toArray(), off));
    }

    @Override
    public LayerNormGradients layerNormBackward(NDArray grad, NDArray x, NDArray mean, NDArray invStd, NDArray weight) {
        String op = "layerNorm backward";
        requireNonNull(op, grad, x, mean, invStd);
        requireSameShape(op, grad, x);
        requireSameShape(op, mean, invStd);
        Shape lead = mean.shape();
        Shape xs = x.shape();
        if (lead.rank() >= xs.rank() || !Arrays.equals(Arrays.copyOf(xs.toArray(), lead.rank()), lead.toArray())) {
            throw new IllegalArgumentException(op + ": statistics " + lead + " are not leading dims of x " + xs);
        }
        Shape ns = Shape.of(Arrays.copyOfRange(xs.toArray(), lead.rank(), xs.rank()));
        if (weight != null && !weight.shape().equals(ns)) {
            throw new IllegalArgumentException(op + ": weight must have shape " + ns + ", got " + weight.shape());
        }
        int n = ns.size();
        int rows = lead.size();
        float[] dx = new float[x.size()];
        float[] dw = new float[n];
        float[] db = new float[n];
        float[] g = grad.data;
        float[] xd = x.data;
        float[] md = mean.data;
        float[] id = invStd.data;
        float[] wd = weight == null ? null : weight.data;
        if (n > 0 && rows > 0) {
            KernelPool.forItems(rows, rowGrain(n),
                    (r0, r1) -> Kernels.LAYER_NORM.backwardInput(g, xd, wd, md, id, dx, n, r0, r1));
            long work = (long) rows * n;
            int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, n) : 1;
            KernelPool.run(parts, part -> Kernels.LAYER_NORM.backwardAffine(g, xd, md, id, dw, db, rows, n,
                    (int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts)));
        }
        return new LayerNormGradients(new NDArray(dx, xs), new NDArray(dw, ns), new NDArray(db, ns));
    }

    @Override
    public AttentionResult attention(NDArray q, NDArray k, NDArray v, IntArray maskedOut, boolean causal, float scale) {
        String op = "scaledDotProductAttention";
        requireNonNull(op, q, k, v);
        requireFinite(op, "scale", scale);
        AttentionKernels.Dims dm = attentionDims(op, q.shape(), k.shape(), v.shape(), scale, causal);
        Shape qs = q.shape();
        int rank = qs.rank();
        int[] lead = Arrays.copyOf(qs.toArray(), rank - 2);
        int pairs = Shape.of(lead).size();
        int[] scoreDims = Arrays.copyOf(lead, rank);
        scoreDims[rank - 2] = dm.t();
        scoreDims[rank - 1] = dm.s();
        Shape scores = Shape.of(scoreDims);
        int[] mstr = null;
        int[] mdata = null;
        if (maskedOut != null) {
            Shape ms = maskedOut.shape();
            if (!broadcastsTo(ms, scores)) {
                throw new IllegalArgumentException(op + ": mask " + ms + " does not broadcast to the scores "
                        + scores + " (q " + qs + ", k " + k.shape() + ")");
            }
            mstr = ShapeKernels.broadcastStrides(ms, scores);
            mdata = maskedOut.data;
        }
        int[] outDims = qs.toArray();
        outDims[rank - 1] = dm.dv();
        float[] out = new float[Shape.of(outDims).size()];
        float[] probs = new float[scores.size()];
        float[] qd = q.data;
        float[] kd = k.data;
        float[] vd = v.data;
        int[] maskData = mdata;
        int[] maskStrides = mstr;
        long work = (long) pairs * dm.t() * dm.s() * (dm.d() + dm.dv());
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, pairs) : 1;
        if (dm.t() > 0 && dm.s() > 0) {
            KernelPool.run(parts, part -> {
                float[] scratch = new float[AttentionKernels.ROW_BLOCK * dm.s()];
                int[] idx = new int[lead.length];
                for (int p = pairs * part / parts, end = pairs * (part + 1) / parts; p < end; p++) {
                    int mOff = 0;
                    if (maskData != null) {
                        int rem = p;
                        for (int d = lead.length - 1; d >= 0; d--) {
                            idx[d] = rem % lead[d];
                            rem /= lead[d];
                            mOff += idx[d] * maskStrides[d];
                        }
                    }
                    AttentionKernels.forward(dm, p, qd, kd, vd, out, probs, maskData, mOff,
                            maskData == null ? 0 : maskStrides[rank - 2],
                            maskData == null ? 0 : maskStrides[rank - 1], scratch);
                }
            });
        }
        return new AttentionResult(new NDArray(out, Shape.of(outDims)), new NDArray(probs, scores));
    }

    /** Whether {@code from} broadcasts to exactly {@code to} (NumPy rules, aligned from the end). */
    private static boolean broadcastsTo(Shape from, Shape to) {
        int off = to.rank() - from.rank();
        if (off < 0) {
            return false;
        }
        for (int i = 0; i < from.rank(); i++) {
            if (from.at(i) != 1 && from.at(i) != to.at(i + off)) {
                return false;
            }
        }
        return true;
    }

    private static AttentionKernels.Dims attentionDims(String op, Shape qs, Shape ks, Shape vs, float scale,
                                                       boolean causal) {
        int rank = qs.rank();
        if (rank < 2 || ks.rank() != rank || vs.rank() != rank) {
            throw new IllegalArgumentException(op + ": q, k, v must have one rank >= 2 ([B, H, T, D]): q " + qs
                    + ", k " + ks + ", v " + vs);
        }
        for (int d = 0; d < rank - 2; d++) {
            if (ks.at(d) != qs.at(d) || vs.at(d) != qs.at(d)) {
                throw new IllegalArgumentException(op + ": leading (batch, head) dims differ: q " + qs
                        + ", k " + ks + ", v " + vs);
            }
        }
        if (ks.dim(-1) != qs.dim(-1)) {
            throw new IllegalArgumentException(op + ": head dims of q and k differ: q " + qs + ", k " + ks);
        }
        if (vs.dim(-2) != ks.dim(-2)) {
            throw new IllegalArgumentException(op + ": k and v have different numbers of keys: k " + ks + ", v " + vs);
        }
        return new AttentionKernels.Dims(qs.dim(-2), ks.dim(-2), qs.dim(-1), vs.dim(-1), scale, causal);
    }

    @Override
    public AttentionGradients attentionBackward(NDArray grad, NDArray q, NDArray k, NDArray v, NDArray probs,
                                                float scale) {
        String op = "scaledDotProductAttention backward";
        requireNonNull(op, grad, q, k, v, probs);
        requireFinite(op, "scale", scale);
        AttentionKernels.Dims dm = attentionDims(op, q.shape(), k.shape(), v.shape(), scale, false);
        int rank = q.shape().rank();
        int[] outDims = q.shape().toArray();
        outDims[rank - 1] = dm.dv();
        int[] scoreDims = q.shape().toArray();
        scoreDims[rank - 1] = dm.s();
        if (!grad.shape().equals(Shape.of(outDims)) || !probs.shape().equals(Shape.of(scoreDims))) {
            throw new IllegalArgumentException(op + ": grad " + grad.shape() + " or probs " + probs.shape()
                    + " do not fit q " + q.shape() + ", k " + k.shape() + ", v " + v.shape());
        }
        int pairs = Shape.of(Arrays.copyOf(outDims, rank - 2)).size();
        float[] dq = new float[q.size()];
        float[] dk = new float[k.size()];
        float[] dv = new float[v.size()];
        float[] g = grad.data;
        float[] qd = q.data;
        float[] kd = k.data;
        float[] vd = v.data;
        float[] pd = probs.data;
        long work = (long) pairs * dm.t() * dm.s() * (dm.d() + dm.dv());
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, pairs) : 1;
        if (dm.t() > 0 && dm.s() > 0) {
            KernelPool.run(parts, part -> {
                float[] scratch = new float[dm.t() * dm.s()];
                for (int p = pairs * part / parts, end = pairs * (part + 1) / parts; p < end; p++) {
                    AttentionKernels.backward(dm, p, g, qd, kd, vd, pd, dq, dk, dv, scratch);
                }
            });
        }
        return new AttentionGradients(new NDArray(dq, q.shape()), new NDArray(dk, k.shape()),
                new NDArray(dv, v.shape()));
    }

    @Override
    public NDArray attentionCached(NDArray qkv, NDArray keys, NDArray values, int length, float scale) {
        String op = "attentionCached";
        requireNonNull(op, qkv, keys, values);
        requireFinite(op, "scale", scale);
        Shape xs = qkv.shape();
        Shape cs = keys.shape();
        if (xs.rank() != 3 || cs.rank() != 4 || !values.shape().equals(cs) || xs.at(0) != cs.at(0)
                || xs.at(2) != 3 * cs.at(1) * cs.at(3)) {
            throw new IllegalArgumentException(op + ": qkv must be [B, Tn, 3*H*hd] and keys, values [B, H, Tmax, hd]:"
                    + " qkv " + xs + ", keys " + cs + ", values " + values.shape());
        }
        int tn = xs.at(1);
        if (length < 0 || length + tn > cs.at(2)) {
            throw new IllegalArgumentException(op + ": length " + length + " + new positions " + tn
                    + " exceeds the cache capacity " + cs.at(2) + " (keys " + cs + ")");
        }
        int b = xs.at(0);
        int h = cs.at(1);
        int hd = cs.at(3);
        float[] out = new float[b * tn * h * hd];
        int pairs = b * h;
        long work = (long) pairs * tn * (length + tn) * hd * 2;
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, pairs) : 1;
        float[] x = qkv.data;
        float[] kc = keys.data;
        float[] vc = values.data;
        int tmax = cs.at(2);
        KernelPool.run(parts, part -> {
            double[] scores = new double[length + tn];
            for (int p = pairs * part / parts, end = pairs * (part + 1) / parts; p < end; p++) {
                AttentionKernels.cachedStep(x, kc, vc, out, p / h, p % h, h, hd, tn, tmax, length, scale, scores);
            }
        });
        return new NDArray(out, Shape.of(b, tn, h * hd));
    }

    @Override
    public AttentionResult attentionPacked(NDArray qkv, int heads, boolean causal, float scale) {
        String op = "attentionPacked";
        requireNonNull(op, qkv);
        AttentionKernels.Dims dm = packedDims(op, qkv.shape(), heads, causal, scale);
        int b = qkv.shape().at(0);
        int t = dm.t();
        int hd = dm.d();
        float[] out = new float[b * t * heads * hd];
        float[] probs = new float[b * heads * t * t];
        float[] x = qkv.data;
        int pairs = b * heads;
        long work = (long) pairs * t * t * hd * 2;
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, pairs) : 1;
        if (t > 0 && pairs > 0) {
            KernelPool.run(parts, part -> Kernels.ATTENTION.forward(dm, heads, pairs * part / parts,
                    pairs * (part + 1) / parts, x, out, probs));
        }
        return new AttentionResult(new NDArray(out, Shape.of(b, t, heads * hd)),
                new NDArray(probs, Shape.of(b, heads, t, t)));
    }

    @Override
    public NDArray attentionPackedBackward(NDArray grad, NDArray qkv, NDArray probs, int heads, boolean causal,
                                          float scale) {
        String op = "attentionPacked backward";
        requireNonNull(op, grad, qkv, probs);
        AttentionKernels.Dims dm = packedDims(op, qkv.shape(), heads, causal, scale);
        int b = qkv.shape().at(0);
        int t = dm.t();
        int hd = dm.d();
        if (!grad.shape().equals(Shape.of(b, t, heads * hd)) || !probs.shape().equals(Shape.of(b, heads, t, t))) {
            throw new IllegalArgumentException(op + ": grad " + grad.shape() + " or probs " + probs.shape()
                    + " do not fit qkv " + qkv.shape() + " with " + heads + " heads");
        }
        float[] dx = new float[qkv.size()];
        float[] g = grad.data;
        float[] x = qkv.data;
        float[] pd = probs.data;
        int pairs = b * heads;
        long work = (long) pairs * t * t * hd * 2;
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, pairs) : 1;
        if (t > 0 && pairs > 0) {
            KernelPool.run(parts, part -> Kernels.ATTENTION.backward(dm, heads, pairs * part / parts,
                    pairs * (part + 1) / parts, g, x, pd, dx));
        }
        return new NDArray(dx, qkv.shape());
    }

    private static AttentionKernels.Dims packedDims(String op, Shape xs, int heads, boolean causal, float scale) {
        requireFinite(op, "scale", scale);
        if (heads <= 0 || xs.rank() != 3 || xs.at(2) % (3 * heads) != 0) {
            throw new IllegalArgumentException(op + ": qkv must be [B, T, 3E] with E divisible by heads " + heads
                    + ", got " + xs);
        }
        int hd = xs.at(2) / (3 * heads);
        return new AttentionKernels.Dims(xs.at(1), xs.at(1), hd, hd, scale, causal);
    }

    @Override
    public NDArray embedding(NDArray weight, IntArray ids) {
        String op = "embedding";
        Objects.requireNonNull(weight, op + ": weight is null");
        Objects.requireNonNull(ids, op + ": ids is null");
        Shape ws = weight.shape();
        if (ws.rank() != 2) {
            throw new IllegalArgumentException(op + ": weight must be 2-D [V, D], got " + ws);
        }
        requireIds(op, ids, ws);
        int d = ws.at(1);
        int[] dims = Arrays.copyOf(ids.shape().toArray(), ids.shape().rank() + 1);
        dims[dims.length - 1] = d;
        Shape outShape = Shape.of(op, dims);
        float[] out = new float[outShape.size()];
        EmbeddingKernels.lookup(weight.data, ids.data, out, d);
        return new NDArray(out, outShape);
    }

    private static void requireIds(String op, IntArray ids, Shape ws) {
        int[] data = ids.data;
        int v = ws.at(0);
        for (int i = 0; i < data.length; i++) {
            if (data[i] < 0 || data[i] >= v) {
                throw new IllegalArgumentException(op + ": id " + data[i] + " at flat position " + i
                        + " is outside [0, " + v + ") for weight " + ws + " (ids of shape " + ids.shape() + ")");
            }
        }
    }

    @Override
    public NDArray embeddingBackward(NDArray grad, IntArray ids, int numEmbeddings, Integer paddingIdx) {
        String op = "embedding backward";
        Objects.requireNonNull(grad, op + ": grad is null");
        Objects.requireNonNull(ids, op + ": ids is null");
        Shape gs = grad.shape();
        int rank = ids.shape().rank();
        if (numEmbeddings < 0 || gs.rank() != rank + 1
                || !Arrays.equals(Arrays.copyOf(gs.toArray(), rank), ids.shape().toArray())) {
            throw new IllegalArgumentException(op + ": grad " + gs + " does not fit ids " + ids.shape()
                    + " and " + numEmbeddings + " embeddings");
        }
        int d = gs.at(rank);
        Shape ws = Shape.of(numEmbeddings, d);
        requireIds(op, ids, ws);
        if (paddingIdx != null && (paddingIdx < 0 || paddingIdx >= numEmbeddings)) {
            throw new IllegalArgumentException(op + ": paddingIdx " + paddingIdx + " is outside [0, "
                    + numEmbeddings + ")");
        }
        int pad = paddingIdx == null ? -1 : paddingIdx;
        float[] dw = new float[ws.size()];
        float[] g = grad.data;
        int[] id = ids.data;
        long work = (long) id.length * d;
        int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, Math.max(1, d / 16)) : 1;
        KernelPool.run(parts, part -> EmbeddingKernels.scatterAdd(g, id, dw, d, pad,
                d * part / parts, d * (part + 1) / parts));
        return new NDArray(dw, ws);
    }

    @Override
    public CrossEntropyResult crossEntropy(NDArray logits, IntArray labels, int ignoreIndex, float labelSmoothing) {
        String op = "crossEntropy";
        Objects.requireNonNull(logits, op + ": logits is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        int c = requireLabels(op, logits.shape(), labels, ignoreIndex);
        int elems = labels.size();
        int inner = c == 0 ? 0 : innerSize(logits.shape());
        float[] loss = new float[elems];
        float[] lse = new float[elems];
        float[] z = logits.data;
        int[] y = labels.data;
        KernelPool.forItems(elems, rowGrain(c), (e0, e1) ->
                LossKernels.crossEntropy(z, y, loss, lse, c, inner, ignoreIndex, labelSmoothing, e0, e1));
        return new CrossEntropyResult(new NDArray(loss, labels.shape()), new NDArray(lse, labels.shape()));
    }

    /** Checks logits {@code [N, C, d...]} against labels {@code [N, d...]} and the label range; returns C. */
    private static int requireLabels(String op, Shape xs, IntArray labels, int ignoreIndex) {
        Shape ls = labels.shape();
        if (xs.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, d...], got " + xs);
        }
        int[] expected = new int[xs.rank() - 1];
        expected[0] = xs.at(0);
        for (int i = 2; i < xs.rank(); i++) {
            expected[i - 1] = xs.at(i);
        }
        if (!ls.equals(Shape.of(expected))) {
            throw new IllegalArgumentException(op + ": labels " + ls + " do not fit input " + xs + ": expected "
                    + Shape.of(expected));
        }
        int c = xs.at(1);
        int[] y = labels.data;
        for (int i = 0; i < y.length; i++) {
            if ((y[i] < 0 || y[i] >= c) && y[i] != ignoreIndex) {
                throw new IllegalArgumentException(op + ": label " + y[i] + " at flat position " + i
                        + " is outside [0, " + c + ") and is not ignoreIndex " + ignoreIndex + " (input " + xs
                        + ", labels " + ls + ")");
            }
        }
        if (c == 0 && y.length > 0) {
            throw new IllegalArgumentException(op + ": input " + xs + " has no classes");
        }
        return c;
    }

    /** The product of the dims after dim 1 (1 for a 2-D shape). */
    private static int innerSize(Shape s) {
        int n = 1;
        for (int i = 2; i < s.rank(); i++) {
            n *= s.at(i);
        }
        return n;
    }

    @Override
    public NDArray crossEntropyBackward(NDArray grad, NDArray logits, IntArray labels, NDArray logSumExp,
                                        int ignoreIndex, float labelSmoothing) {
        String op = "crossEntropy backward";
        requireNonNull(op, grad, logits, logSumExp);
        Objects.requireNonNull(labels, op + ": labels is null");
        int c = requireLabels(op, logits.shape(), labels, ignoreIndex);
        if (!grad.shape().equals(labels.shape()) || !logSumExp.shape().equals(labels.shape())) {
            throw new IllegalArgumentException(op + ": grad " + grad.shape() + " and logSumExp "
                    + logSumExp.shape() + " must have the labels' shape " + labels.shape());
        }
        int inner = c == 0 ? 0 : innerSize(logits.shape());
        float[] dz = new float[logits.size()];
        float[] g = grad.data;
        float[] z = logits.data;
        float[] l = logSumExp.data;
        int[] y = labels.data;
        KernelPool.forItems(labels.size(), rowGrain(c), (e0, e1) ->
                LossKernels.crossEntropyBackward(g, z, y, l, dz, c, inner, ignoreIndex, labelSmoothing, e0, e1));
        return new NDArray(dz, logits.shape());
    }

    @Override
    public NDArray nllLoss(NDArray input, IntArray labels, int ignoreIndex) {
        String op = "nllLoss";
        Objects.requireNonNull(input, op + ": input is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        int c = requireLabels(op, input.shape(), labels, ignoreIndex);
        float[] loss = new float[labels.size()];
        if (c > 0) {
            LossKernels.nll(input.data, labels.data, loss, c, innerSize(input.shape()), ignoreIndex);
        }
        return new NDArray(loss, labels.shape());
    }

    @Override
    public NDArray nllLossBackward(NDArray grad, IntArray labels, Shape inputShape, int ignoreIndex) {
        String op = "nllLoss backward";
        Objects.requireNonNull(grad, op + ": grad is null");
        Objects.requireNonNull(labels, op + ": labels is null");
        Objects.requireNonNull(inputShape, op + ": inputShape is null");
        int c = requireLabels(op, inputShape, labels, ignoreIndex);
        if (!grad.shape().equals(labels.shape())) {
            throw new IllegalArgumentException(op + ": grad " + grad.shape() + " must have the labels' shape "
                    + labels.shape());
        }
        float[] dx = new float[inputShape.size()];
        if (c > 0) {
            LossKernels.nllBackward(grad.data, labels.data, dx, c, innerSize(inputShape), ignoreIndex);
        }
        return new NDArray(dx, inputShape);
    }

    @Override
    public NDArray smoothL1(NDArray diff, float beta) {
        Objects.requireNonNull(diff, "smoothL1: diff is null");
        requireBeta("smoothL1", beta);
        float[] out = new float[diff.size()];
        LossKernels.smoothL1(diff.data, out, beta);
        return new NDArray(out, diff.shape());
    }

    @Override
    public NDArray smoothL1Backward(NDArray grad, NDArray diff, float beta) {
        requireNonNull("smoothL1 backward", grad, diff);
        requireSameShape("smoothL1 backward", grad, diff);
        requireBeta("smoothL1 backward", beta);
        float[] out = new float[diff.size()];
        LossKernels.smoothL1Backward(grad.data, diff.data, out, beta);
        return new NDArray(out, diff.shape());
    }

    private static void requireBeta(String op, float beta) {
        if (!(beta >= 0f) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException(op + ": beta must be finite and >= 0, got " + beta);
        }
    }

    // ---- validation ---------------------------------------------------------------------------

    private static void requireSameShape(String op, NDArray a, NDArray b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.shape() + " and " + b.shape());
        }
    }

    /** Throws a {@link NullPointerException} naming {@code op} and the position of the first null array. */
    private static void requireNonNull(String op, NDArray... arrays) {
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] == null) {
                throw new NullPointerException(op + ": array argument " + (i + 1) + " of " + arrays.length + " is null");
            }
        }
    }

    /** Range checks of optimizer hyperparameters: the same rules as the optimizers' configs. */
    private static void requireNonNegative(String op, String what, float v) {
        if (!(v >= 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite and >= 0, got " + v);
        }
    }

    private static void requireUnitInterval(String op, String what, float v) {
        if (!(v >= 0f && v < 1f)) {
            throw new IllegalArgumentException(op + ": " + what + " must be in [0, 1), got " + v);
        }
    }

    private static void requireFinite(String op, String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite, got " + v);
        }
    }
}
