package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Naive reference implementations in double, written from the definitions with one loop over
 * output coordinates and no fast paths, for comparing against the kernels.
 */
final class Naive {

    private Naive() {
    }

    /** A double array and its dimensions. */
    record Arr(double[] data, int[] dims) {
        static Arr of(NDArray x) {
            float[] f = x.toArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return new Arr(d, x.shape().toArray());
        }

        int size() {
            return data.length;
        }

        double at(int... idx) {
            return data[ravel(idx, dims)];
        }
    }

    // ---- index helpers ------------------------------------------------------------------------

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] dims) {
        int flat = 0;
        for (int d = 0; d < dims.length; d++) {
            flat = flat * dims[d] + idx[d];
        }
        return flat;
    }

    /** NumPy broadcast of two dimension lists, or null if incompatible. */
    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The flat index into an array of {@code dims} read at output coordinate {@code outIdx} under broadcasting. */
    static int broadcastIndex(int[] outIdx, int[] dims) {
        int off = outIdx.length - dims.length;
        int flat = 0;
        for (int d = 0; d < dims.length; d++) {
            int i = dims[d] == 1 ? 0 : outIdx[d + off];
            flat = flat * dims[d] + i;
        }
        return flat;
    }

    // ---- elementwise --------------------------------------------------------------------------

    static double unary(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            case RELU: return x > 0 ? x : 0;
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case TANH: return Math.tanh(x);
            case GELU: return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_TANH: return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case SILU: return x / (1 + Math.exp(-x));
            default: throw new AssertionError(op);
        }
    }

    /** {@code erf} by composite Simpson integration of {@code 2/sqrt(pi) e^{-t^2}}: slow, obviously right. */
    static double erf(double x) {
        int n = 4000;
        double h = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }

    /** The derivative of {@code op} at {@code x}. */
    static double unaryDerivative(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -1;
            case EXP: return Math.exp(x);
            case LOG: return 1 / x;
            case SQRT: return 0.5 / Math.sqrt(x);
            case ABS: return Math.signum(x);
            case RELU: return x > 0 ? 1 : 0;
            case SIGMOID: {
                double s = 1 / (1 + Math.exp(-x));
                return s * (1 - s);
            }
            case TANH: {
                double t = Math.tanh(x);
                return 1 - t * t;
            }
            case GELU: return 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case GELU_TANH: {
                double h = 1e-5; // central difference of the forward in double: error ~1e-10
                return (unary(op, x + h) - unary(op, x - h)) / (2 * h);
            }
            case SILU: {
                double s = 1 / (1 + Math.exp(-x));
                return s + x * s * (1 - s);
            }
            default: throw new AssertionError(op);
        }
    }

    static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case MAXIMUM: return Math.max(a, b);
            case EQUAL: return a == b ? 1 : 0;
            case GREATER_STEP: return a > b ? 1 : a == b ? 0.5 : 0;
            default: throw new AssertionError(op);
        }
    }

    static Arr binary(BinaryOp op, Arr a, Arr b) {
        int[] out = broadcast(a.dims(), b.dims());
        double[] r = new double[size(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = binary(op, a.data()[broadcastIndex(idx, a.dims())], b.data()[broadcastIndex(idx, b.dims())]);
        }
        return new Arr(r, out);
    }

    // ---- shape --------------------------------------------------------------------------------

    static Arr transpose(Arr x, int d0, int d1) {
        int[] out = x.dims().clone();
        out[d0] = x.dims()[d1];
        out[d1] = x.dims()[d0];
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            int t = idx[d0];
            idx[d0] = idx[d1];
            idx[d1] = t;
            r[i] = x.at(idx);
        }
        return new Arr(r, out);
    }

    static Arr broadcastTo(Arr x, int[] to) {
        double[] r = new double[size(to)];
        for (int i = 0; i < r.length; i++) {
            r[i] = x.data()[broadcastIndex(unravel(i, to), x.dims())];
        }
        return new Arr(r, to);
    }

    static Arr sumTo(Arr x, int[] to) {
        double[] r = new double[size(to)];
        for (int i = 0; i < x.size(); i++) {
            r[broadcastIndex(unravel(i, x.dims()), to)] += x.data()[i];
        }
        return new Arr(r, to);
    }

    // ---- reductions ---------------------------------------------------------------------------

    enum Reduction { SUM, MEAN, MAX }

    /** Reduces over the flagged axes; the result has the keep-dim layout, reshaped as asked. */
    static Arr reduce(Reduction kind, Arr x, boolean[] reduced, boolean keepDim) {
        int rank = x.dims().length;
        int[] keep = x.dims().clone();
        int count = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                keep[d] = 1;
                count *= x.dims()[d];
            }
        }
        double[] r = new double[size(keep)];
        Arrays.fill(r, kind == Reduction.MAX ? Double.NEGATIVE_INFINITY : 0);
        for (int i = 0; i < x.size(); i++) {
            int[] idx = unravel(i, x.dims());
            for (int d = 0; d < rank; d++) {
                if (reduced[d]) {
                    idx[d] = 0;
                }
            }
            int o = ravel(idx, keep);
            double v = x.data()[i];
            r[o] = kind == Reduction.MAX ? Math.max(r[o], v) : r[o] + v;
        }
        if (kind == Reduction.MEAN) {
            for (int i = 0; i < r.length; i++) {
                r[i] /= count;
            }
        }
        if (keepDim) {
            return new Arr(r, keep);
        }
        int[] dims = new int[rank];
        int n = 0;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                dims[n++] = x.dims()[d];
            }
        }
        return new Arr(r, Arrays.copyOf(dims, n));
    }

    /** Softmax (or log-softmax) along {@code axis} (already normalised), stable in double. */
    static Arr softmax(Arr x, int axis, boolean log) {
        double[] r = new double[x.size()];
        int n = x.dims()[axis];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, x.dims());
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                idx[axis] = k;
                m = Math.max(m, x.at(idx));
            }
            double s = 0;
            for (int k = 0; k < n; k++) {
                idx[axis] = k;
                s += Math.exp(x.at(idx) - m);
            }
            double v = x.data()[i] - m;
            r[i] = log ? v - Math.log(s) : Math.exp(v) / s;
        }
        return new Arr(r, x.dims());
    }

    /**
     * The vector-Jacobian product of softmax ({@code log=false}) or log-softmax at input {@code x}
     * with upstream {@code g}: {@code sum_k g_k d y_k / d x_i} along {@code axis}.
     */
    static Arr softmaxVjp(Arr g, Arr x, int axis, boolean log) {
        Arr p = softmax(x, axis, false);
        double[] r = new double[x.size()];
        int n = x.dims()[axis];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, x.dims());
            int self = idx[axis];
            double acc = 0;
            for (int k = 0; k < n; k++) {
                idx[axis] = k;
                double gk = g.at(idx);
                double pk = p.at(idx);
                idx[axis] = self;
                double pi = p.at(idx);
                double delta = k == self ? 1 : 0;
                // softmax: dy_k/dx_i = p_k (delta - p_i); log-softmax: dy_k/dx_i = delta - p_i
                acc += log ? gk * (delta - pi) : gk * pk * (delta - pi);
            }
            r[i] = acc;
        }
        return new Arr(r, x.dims());
    }

    // ---- linear algebra -----------------------------------------------------------------------

    /** torch.matmul for 2-D/3-D operands; {@code ta}/{@code tb} read the stored last two dims transposed. */
    static Arr matmul(Arr a, boolean ta, Arr b, boolean tb) {
        int ra = a.dims().length;
        int rb = b.dims().length;
        int m = ta ? a.dims()[ra - 1] : a.dims()[ra - 2];
        int k = ta ? a.dims()[ra - 2] : a.dims()[ra - 1];
        int n = tb ? b.dims()[rb - 2] : b.dims()[rb - 1];
        int batch = ra == 3 ? a.dims()[0] : rb == 3 ? b.dims()[0] : 1;
        boolean batched = ra == 3 || rb == 3;
        int[] out = batched ? new int[] {batch, m, n} : new int[] {m, n};
        double[] r = new double[size(out)];
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? at3(a, bi, p, i) : at3(a, bi, i, p);
                        double bv = tb ? at3(b, bi, j, p) : at3(b, bi, p, j);
                        s += av * bv;
                    }
                    r[(bi * m + i) * n + j] = s;
                }
            }
        }
        return new Arr(r, out);
    }

    private static double at3(Arr x, int batch, int row, int col) {
        return x.dims().length == 3 ? x.at(batch, row, col) : x.at(row, col);
    }

    /** {@code x Wᵀ + b} over x's leading dims. */
    static Arr linear(Arr x, Arr w, Arr bias) {
        int in = w.dims()[1];
        int outF = w.dims()[0];
        int rows = size(Arrays.copyOf(x.dims(), x.dims().length - 1));
        int[] dims = x.dims().clone();
        dims[dims.length - 1] = outF;
        double[] r = new double[rows * outF];
        for (int row = 0; row < rows; row++) {
            for (int o = 0; o < outF; o++) {
                double s = bias == null ? 0 : bias.data()[o];
                for (int p = 0; p < in; p++) {
                    s += x.data()[row * in + p] * w.data()[o * in + p];
                }
                r[row * outF + o] = s;
            }
        }
        return new Arr(r, dims);
    }

    // ---- random inputs and assertions ---------------------------------------------------------

    /** Standard normal values of the given shape from a seeded generator. */
    static NDArray randn(long seed, int... dims) {
        return NDArray.randn(new SplittableRandom(seed), dims);
    }

    /** Uniform values in {@code [lo, hi)}. */
    static NDArray uniform(long seed, double lo, double hi, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[size(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return NDArray.of(d, dims);
    }

    /** Small integers in {@code [-range, range]}, so that ties and equal values occur. */
    static NDArray integers(long seed, int range, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[size(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(-range, range + 1);
        }
        return NDArray.of(d, dims);
    }

    /**
     * Asserts that {@code actual} has {@code expected}'s shape and that every element is within
     * {@code tol * max(1, |expected|)}; NaN and infinities must match exactly.
     */
    static void assertClose(NDArray actual, Arr expected, double tol, String what) {
        assertThat(actual.shape().toArray()).as(what + ": shape").containsExactly(expected.dims());
        float[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            double e = expected.data()[i];
            double v = a[i];
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                if (Double.compare(e, v) != 0) {
                    fail(what + ": element " + Arrays.toString(unravel(i, expected.dims())) + " is " + v
                            + ", expected " + e);
                }
                continue;
            }
            if (!(Math.abs(v - e) <= tol * Math.max(1, Math.abs(e)))) {
                fail(what + ": element " + Arrays.toString(unravel(i, expected.dims())) + " is " + v
                        + ", expected " + e + " (tolerance " + tol + ")");
            }
        }
    }
}
