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

    private static void gelu(float[] x, float[] y, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(normalCdf(v)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatFunctions.gelu(x[i]);
        }
    }

    private static void geluBackward(float[] g, float[] x, float[] y, float[] r, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector cdf = FloatVector.fromArray(S, y, i).div(v)
                    .blend(half, v.abs().compare(VectorOperators.LT, FloatFunctions.CDF_TINY));
            FloatVector density = exp(v.mul(-0.5f).mul(v)).mul(FloatFunctions.INV_SQRT_2PI);
            FloatVector.fromArray(S, g, i).mul(v.fma(density, cdf)).intoArray(r, i);
        }
        for (; i < to; i++) {
            r[i] = g[i] * FloatFunctions.geluDerivative(x[i], y[i]);
        }
    }

    /** {@link FloatFunctions#exp} lane by lane. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(FloatFunctions.EXP_LO).min(FloatFunctions.EXP_HI);
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
        return y.mul(scale);
    }

    /** {@link FloatFunctions#normalCdf} lane by lane. */
    private static FloatVector normalCdf(FloatVector x) {
        FloatVector z = x.mul(FloatFunctions.SQRT_HALF).abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(FloatFunctions.C0, FloatFunctions.C1);
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C2));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C3));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C4));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C5));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C6));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C7));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C8));
        p = p.fma(t, FloatVector.broadcast(S, FloatFunctions.C9));
        FloatVector r = t.mul(exp(x.mul(-0.5f).fma(x, p)));
        return r.blend(FloatVector.broadcast(S, 2f).sub(r), x.compare(VectorOperators.GT, 0f)).mul(0.5f);
    }
}
