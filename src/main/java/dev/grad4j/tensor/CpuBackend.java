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
            case LOG, SQRT -> GRAIN;
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

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public NDArray sum(NDArray x, int[] axes, boolean keepDim) {
        Objects.requireNonNull(x, "sum: x is null");
        boolean[] reduced = reducedAxes("sum", x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        float[] r = new float[out.size()];
        if (x.shape().rank() == 0) {
            r[0] = x.data[0];
        } else {
            ReduceKernels.sum(x.data, x.shape().toArray(), reduced, r);
        }
        return new NDArray(r, out);
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
        Objects.requireNonNull(x, "max: x is null");
        boolean[] reduced = reducedAxes("max", x.shape(), axes);
        Shape out = reducedShape(x.shape(), reduced, keepDim);
        if (groupSize(x.shape(), reduced) == 0 && out.size() > 0) {
            throw new IllegalArgumentException("max: empty reduction over shape " + x.shape()
                    + " axes " + Arrays.toString(axes));
        }
        float[] r = new float[out.size()];
        if (x.shape().rank() == 0) {
            r[0] = x.data[0];
        } else {
            ReduceKernels.max(x.data, x.shape().toArray(), reduced, r);
        }
        return new NDArray(r, out);
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

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public NDArray matmul(NDArray a, boolean transposeA, NDArray b, boolean transposeB) {
        requireNonNull("matmul", a, b);
        Shape sa = a.shape();
        Shape sb = b.shape();
        if (sa.rank() < 2 || sa.rank() > 3 || sb.rank() < 2 || sb.rank() > 3) {
            throw new IllegalArgumentException("matmul: operands must be 2-D or 3-D: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        int m = transposeA ? sa.dim(-1) : sa.dim(-2);
        int k = transposeA ? sa.dim(-2) : sa.dim(-1);
        int kb = transposeB ? sb.dim(-1) : sb.dim(-2);
        int n = transposeB ? sb.dim(-2) : sb.dim(-1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        int batchA = sa.rank() == 3 ? sa.at(0) : 1;
        int batchB = sb.rank() == 3 ? sb.at(0) : 1;
        if (sa.rank() == 3 && sb.rank() == 3 && batchA != batchB) {
            throw new IllegalArgumentException("matmul: batch dimensions differ: "
                    + describe(sa, transposeA) + " @ " + describe(sb, transposeB));
        }
        int batch = sa.rank() == 3 ? batchA : batchB; // not max: a 3-D operand may have batch 0
        boolean batched = sa.rank() == 3 || sb.rank() == 3;
        Shape out = batched ? Shape.of(batch, m, n) : Shape.of(m, n);
        float[] c = new float[out.size()];
        int strideA = sa.rank() == 3 ? m * k : 0;
        int strideB = sb.rank() == 3 ? k * n : 0;
        if (batched && strideB == 0 && !transposeA) {
            // [b, m, k] @ [k, n]: one product of [b*m, k] @ [k, n].
            Gemm.gemm(false, transposeB, batch * m, n, k, a.data, 0, b.data, 0, c, 0, true);
        } else {
            for (int i = 0; i < batch; i++) {
                Gemm.gemm(transposeA, transposeB, m, n, k, a.data, i * strideA, b.data, i * strideB,
                        c, i * m * n, true); // c is fresh: accumulating into zeros
            }
        }
        return new NDArray(c, out);
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
        int[] dims = sx.toArray();
        dims[dims.length - 1] = out;
        float[] c = new float[rows * out];
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias.data, 0, c, r * out, out);
            }
        }
        Gemm.gemm(false, true, rows, out, in, x.data, 0, weight.data, 0, c, 0, true);
        return new NDArray(c, Shape.of(dims));
    }

    private static int sizeWithoutLast(Shape s) {
        int n = 1;
        for (int i = 0; i < s.rank() - 1; i++) {
            n *= s.at(i);
        }
        return n;
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
        requireFinite("sgd", "lr", lr);
        requireFinite("sgd", "momentum", momentum);
        requireFinite("sgd", "dampening", dampening);
        requireFinite("sgd", "weight decay", weightDecay);
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
        requireFinite("adam", "lr", lr);
        requireFinite("adam", "beta1", beta1);
        requireFinite("adam", "beta2", beta2);
        requireFinite("adam", "eps", eps);
        requireFinite("adam", "weight decay", weightDecay);
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
            KernelPool.forRange(rows, rowGrain(n),
                    (r0, r1) -> LayerNormKernels.forward(xd, wd, bd, y, mean, inv, n, eps, r0, r1));
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
            KernelPool.forRange(rows, rowGrain(n),
                    (r0, r1) -> LayerNormKernels.backwardInput(g, xd, wd, md, id, dx, n, r0, r1));
            long work = (long) rows * n;
            int parts = work >= SEQ_PARALLEL_MIN ? Math.min(KernelPool.THREADS, n) : 1;
            KernelPool.run(parts, part -> LayerNormKernels.backwardAffine(g, xd, md, id, dw, db, rows, n,
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
        float[] out = new float[ids.size() * d];
        EmbeddingKernels.lookup(weight.data, ids.data, out, d);
        return new NDArray(out, Shape.of(dims));
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
        KernelPool.forRange(elems, rowGrain(c), (e0, e1) ->
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
        KernelPool.forRange(labels.size(), rowGrain(c), (e0, e1) ->
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

    private static void requireFinite(String op, String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite, got " + v);
        }
    }
}
