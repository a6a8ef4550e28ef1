package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the hot elementwise kernels (ReLU and its gradient, contiguous
 * arithmetic, scaling); the others fall back to {@link ElementwiseKernels}. Results are
 * bit-identical to the scalar ones: the same IEEE operations, lane by lane.
 */
final class VectorElementwiseKernels extends ElementwiseKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void unary(UnaryOp op, float[] x, float[] y, int from, int to) {
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
}
