package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * Reductions over any set of axes and the softmax family along one axis. Sums accumulate in
 * double in a fixed order, so results do not depend on how the work is split.
 */
final class ReduceKernels {

    private ReduceKernels() {
    }

    /**
     * Sums {@code x} (shape {@code dims}) over the axes flagged in {@code reduced} into {@code out},
     * laid out as the keep-dim shape.
     */
    static void sum(float[] x, int[] dims, boolean[] reduced, float[] out) {
        int rank = dims.length;
        if (x.length == 0) {
            Arrays.fill(out, 0f);
            return;
        }
        int inner = dims[rank - 1];
        int rows = x.length / inner;
        if (reduced[rank - 1] && allReduced(reduced, 0, rank - 1)) {
            double acc = 0;
            for (float v : x) {
                acc += v;
            }
            out[0] = (float) acc;
            return;
        }
        double[] acc = new double[out.length];
        int[] ostr = outStrides(dims, reduced);
        int[] idx = new int[rank];
        int o = 0;
        boolean lastReduced = reduced[rank - 1];
        for (int row = 0; row < rows; row++) {
            int base = row * inner;
            if (lastReduced) {
                double s = 0;
                for (int j = 0; j < inner; j++) {
                    s += x[base + j];
                }
                acc[o] += s;
            } else {
                for (int j = 0; j < inner; j++) {
                    acc[o + j] += x[base + j];
                }
            }
            o = advance(idx, dims, ostr, o, rank - 2);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
    }

    /**
     * Column sums of {@code x} viewed as {@code [rows, inner]} for columns {@code [c0, c1)} into
     * {@code out[c0, c1)}: the sum over every leading axis (a bias gradient), accumulated in double
     * in row order exactly as {@link #sum} does, so a split by columns gives the same bits.
     */
    static void sumColumns(float[] x, int rows, int inner, float[] out, int c0, int c1) {
        double[] acc = new double[c1 - c0];
        for (int row = 0; row < rows; row++) {
            int base = row * inner + c0;
            for (int j = 0; j < acc.length; j++) {
                acc[j] += x[base + j];
            }
        }
        for (int j = 0; j < acc.length; j++) {
            out[c0 + j] = (float) acc[j];
        }
    }

    /** Maximum of {@code x} over the flagged axes into {@code out} (keep-dim layout); NaN wins. */
    static void max(float[] x, int[] dims, boolean[] reduced, float[] out) {
        extremum(x, dims, reduced, out, true);
    }

    /** Minimum of {@code x} over the flagged axes into {@code out} (keep-dim layout); NaN wins. */
    static void min(float[] x, int[] dims, boolean[] reduced, float[] out) {
        extremum(x, dims, reduced, out, false);
    }

    /** {@link #max} ({@code isMax}) or {@link #min}: one walk, the comparison chosen once per call. */
    private static void extremum(float[] x, int[] dims, boolean[] reduced, float[] out, boolean isMax) {
        int rank = dims.length;
        Arrays.fill(out, isMax ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        if (x.length == 0) {
            return;
        }
        int inner = dims[rank - 1];
        int rows = x.length / inner;
        int[] ostr = outStrides(dims, reduced);
        int[] idx = new int[rank];
        int o = 0;
        boolean lastReduced = reduced[rank - 1];
        for (int row = 0; row < rows; row++) {
            int base = row * inner;
            if (lastReduced) {
                float m = out[o];
                for (int j = 0; j < inner; j++) {
                    m = isMax ? maxNaN(m, x[base + j]) : minNaN(m, x[base + j]);
                }
                out[o] = m;
            } else {
                for (int j = 0; j < inner; j++) {
                    out[o + j] = isMax ? maxNaN(out[o + j], x[base + j]) : minNaN(out[o + j], x[base + j]);
                }
            }
            o = advance(idx, dims, ostr, o, rank - 2);
        }
    }

    private static float minNaN(float a, float b) {
        return a != a || b != b ? Float.NaN : Math.min(a, b);
    }

    static float maxNaN(float a, float b) {
        return a != a || b != b ? Float.NaN : Math.max(a, b);
    }

    private static boolean allReduced(boolean[] reduced, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!reduced[i]) {
                return false;
            }
        }
        return true;
    }

    /** Strides into the keep-dim output for each input dimension; 0 along reduced ones. */
    static int[] outStrides(int[] dims, boolean[] reduced) {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = reduced[i] ? 0 : stride;
            stride *= reduced[i] ? 1 : dims[i];
        }
        return s;
    }

    /** Advances the odometer {@code idx} over dims {@code 0..last}, returning the new output offset. */
    static int advance(int[] idx, int[] dims, int[] ostr, int o, int last) {
        for (int d = last; d >= 0; d--) {
            idx[d]++;
            o += ostr[d];
            if (idx[d] < dims[d]) {
                return o;
            }
            o -= ostr[d] * dims[d];
            idx[d] = 0;
        }
        return o;
    }

    /** Softmax along the middle dimension of {@code x} viewed as {@code [outer, n, inner]}. */
    static void softmax(float[] x, float[] y, int outer, int n, int inner, boolean log) {
        double[] e = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    m = maxNaN(m, x[base + k * inner]);
                }
                if (m == Float.NEGATIVE_INFINITY) {
                    m = 0f; // every input is -inf: exp(-inf - 0) = 0 gives torch's NaN through 0/0
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    double v = Math.exp((double) x[base + k * inner] - m);
                    e[k] = v;
                    s += v;
                }
                if (log) {
                    double shift = m + Math.log(s);
                    for (int k = 0; k < n; k++) {
                        y[base + k * inner] = (float) (x[base + k * inner] - shift);
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        y[base + k * inner] = (float) (e[k] / s);
                    }
                }
            }
        }
    }

    /**
     * Backward of softmax ({@code log=false}: {@code y*(g - sum(g*y))}) or log-softmax
     * ({@code log=true}: {@code g - exp(y)*sum(g)}) along the middle of {@code [outer, n, inner]}.
     */
    static void softmaxBackward(float[] g, float[] y, float[] r, int outer, int n, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int i = base + k * inner;
                    s += log ? g[i] : (double) g[i] * y[i];
                }
                for (int k = 0; k < n; k++) {
                    int i = base + k * inner;
                    r[i] = log ? (float) (g[i] - Math.exp(y[i]) * s) : (float) (y[i] * (g[i] - s));
                }
            }
        }
    }
}
