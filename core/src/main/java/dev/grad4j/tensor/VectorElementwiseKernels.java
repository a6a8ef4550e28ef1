package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the hot elementwise kernels (ReLU, the exact GELU and their gradients,
 * contiguous arithmetic, scaling); the others fall back to {@link ElementwiseKernels}. Results are
 * bit-identical to the scalar ones: the same IEEE operations, lane by lane (for GELU those of
 * {@link FloatFunctions}).
 */
final class VectorElementwiseKernels extends ElementwiseKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void unary(UnaryOp op, float[] x, float[] y, int from, int to) {
        if (op == UnaryOp.GELU) {
            gelu(x, y, from, to);
            return;
        }
        if (op != UnaryOp.RELU && op != UnaryOp.NEG) {
            super.unary(op, x, y, from, to);
            return;
        }
        int i = from;
        int bound = from + S.loopBound(to - from);
        if (op == UnaryOp.RELU) {
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
            }
            for (; i < to; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, i).neg().intoArray(y, i);
            }
            for (; i < to; i++) {
                y[i] = -x[i];
            }
        }
    }

    @Override
    void unaryBackward(UnaryOp op, float[] g, float[] x, float[] y, float[] r, int from, int to) {
        if (op == UnaryOp.GELU) {
            geluBackward(g, x, y, r, from, to);
            return;
        }
        if (op != UnaryOp.RELU && op != UnaryOp.TANH) {
            super.unaryBackward(op, g, x, y, r, from, to);
            return;
        }
        int i = from;
        int bound = from + S.loopBound(to - from);
        if (op == UnaryOp.RELU) {
            FloatVector zero = FloatVector.zero(S);
            for (; i < bound; i += L) {
                VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(S, g, i), positive).intoArray(r, i);
            }
            for (; i < to; i++) {
                r[i] = x[i] > 0f ? g[i] : 0f;
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(S, y, i);
                FloatVector.fromArray(S, g, i).mul(t.mul(t).neg().add(1f)).intoArray(r, i);
            }
            for (; i < to; i++) {
                float t = y[i];
                r[i] = g[i] * (1f - t * t);
            }
        }
    }

    @Override
    boolean contiguous(BinaryOp op, float[] a, int ia, float[] b, int ib, float[] r, int ir, int n) {
        // one loop per operator with a constant operator: C2 intrinsifies only constant lanewise ops
        // (a variable VectorOperators.Binary runs the allocating Java fallback)
        int i = 0;
        int bound = S.loopBound(n);
        switch (op) {
            case ADD:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, a, ia + i).add(FloatVector.fromArray(S, b, ib + i)).intoArray(r, ir + i);
                }
                break;
            case SUB:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, a, ia + i).sub(FloatVector.fromArray(S, b, ib + i)).intoArray(r, ir + i);
                }
                break;
            case MUL:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, a, ia + i).mul(FloatVector.fromArray(S, b, ib + i)).intoArray(r, ir + i);
                }
                break;
            case DIV:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, a, ia + i).div(FloatVector.fromArray(S, b, ib + i)).intoArray(r, ir + i);
                }
                break;
            default:
                return false;
        }
        return super.contiguous(op, a, ia + i, b, ib + i, r, ir + i, n - i);
    }

    @Override
    void scale(float[] x, float[] y, int from, int to, float s) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, i).mul(s).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = x[i] * s;
        }
    }

    /** Elements per pass of the GELU kernels: their two scratch rows stay in L1. */
    private static final int CHUNK = 1024;

    /*
     * The GELU kernels run in passes over chunks, each pass a loop in a method of its own that
     * takes arrays, not vectors: a helper taking or returning FloatVector that C2 does not inline
     * (it refuses past its node-count cutoff, or when the helper was compiled on its own first)
     * runs as the boxed Java fallback, several times slower; with whole loops that cannot happen.
     */

    private static void gelu(float[] x, float[] y, int from, int to) {
        float[] t = new float[Math.min(CHUNK, to - from)];
        float[] e = new float[t.length];
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            cdfExponent(x, c, n, t, e);
            expInPlace(e, 0, n);
            geluFromParts(x, c, n, t, e, y);
        }
    }

    /** For {@link FloatFunctions#normalCdf}: {@code t = 1 / (1 + |x| / (2 sqrt 2))} and the exponent {@code -x^2/2 + P(t)}. */
    private static void cdfExponent(float[] x, int off, int n, float[] t, float[] e) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector z = v.mul(FloatFunctions.SQRT_HALF).abs();
            FloatVector tv = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
            FloatVector p = tv.fma(FloatFunctions.C0, FloatFunctions.C1);
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C2));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C3));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C4));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C5));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C6));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C7));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C8));
            p = p.fma(tv, FloatVector.broadcast(S, FloatFunctions.C9));
            tv.intoArray(t, i);
            v.mul(-0.5f).fma(v, p).intoArray(e, i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            t[i] = FloatFunctions.cdfT(v);
            e[i] = FloatFunctions.cdfExponent(v, t[i]);
        }
    }

    /** {@code y = x Φ(x)} with {@code Φ} assembled from t and {@code exp(exponent)} as {@link FloatFunctions#normalCdf}. */
    private static void geluFromParts(float[] x, int off, int n, float[] t, float[] ex, float[] y) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector r = FloatVector.fromArray(S, t, i).mul(FloatVector.fromArray(S, ex, i));
            FloatVector cdf = r.blend(FloatVector.broadcast(S, 2f).sub(r), v.compare(VectorOperators.GT, 0f)).mul(0.5f);
            v.mul(cdf).intoArray(y, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            y[off + i] = v * FloatFunctions.cdfFromParts(v, t[i], ex[i]);
        }
    }

    private static void geluBackward(float[] g, float[] x, float[] y, float[] r, int from, int to) {
        float[] e = new float[Math.min(CHUNK, to - from)];
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            int i = 0;
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, c + i);
                v.mul(-0.5f).mul(v).intoArray(e, i);
            }
            for (; i < n; i++) {
                float v = x[c + i];
                e[i] = -0.5f * v * v;
            }
            expInPlace(e, 0, n);
            geluBackwardFromDensity(g, x, y, c, n, e, r);
        }
    }

    /** {@code r = g (Φ + x φ)} with {@code Φ = y / x} and {@code φ} from {@code exp(-x^2/2)}, as {@link FloatFunctions#geluDerivative}. */
    private static void geluBackwardFromDensity(float[] g, float[] x, float[] y, int off, int n, float[] ex, float[] r) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector cdf = FloatVector.fromArray(S, y, off + i).div(v)
                    .blend(half, v.abs().compare(VectorOperators.LT, FloatFunctions.CDF_TINY));
            FloatVector density = FloatVector.fromArray(S, ex, i).mul(FloatFunctions.INV_SQRT_2PI);
            FloatVector.fromArray(S, g, off + i).mul(v.fma(density, cdf)).intoArray(r, off + i);
        }
        for (; i < n; i++) {
            r[off + i] = g[off + i] * FloatFunctions.geluDerivativeFromParts(x[off + i], y[off + i], ex[i]);
        }
    }

    /** {@code a[i] = exp(a[i])} for {@code from <= i < to}: {@link FloatFunctions#exp} lane by lane. */
    static void expInPlace(float[] a, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector c = FloatVector.fromArray(S, a, i).max(FloatFunctions.EXP_LO).min(FloatFunctions.EXP_HI);
            FloatVector kf = c.mul(FloatFunctions.LOG2E).add(FloatFunctions.ROUND);
            IntVector k = ((IntVector) kf.reinterpretAsInts()).sub(FloatFunctions.ROUND_BITS);
            kf = kf.sub(FloatFunctions.ROUND);
            FloatVector r = kf.fma(FloatVector.broadcast(S, -FloatFunctions.LN2_HI), c);
            r = kf.fma(FloatVector.broadcast(S, -FloatFunctions.LN2_LO), r);
            FloatVector p = r.fma(FloatFunctions.E0, FloatFunctions.E1);
            p = p.fma(r, FloatVector.broadcast(S, FloatFunctions.E2));
            p = p.fma(r, FloatVector.broadcast(S, FloatFunctions.E3));
            p = p.fma(r, FloatVector.broadcast(S, FloatFunctions.E4));
            p = p.fma(r, FloatVector.broadcast(S, FloatFunctions.E5));
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            FloatVector scale = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            y.mul(scale).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = FloatFunctions.exp(a[i]);
        }
    }
}
