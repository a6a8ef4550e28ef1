package dev.grad4j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation with the Vector API: the sums of {@link NormKernels} still in double, but in
 * double lanes (floats widened a vector at a time, four accumulators) instead of serial double
 * additions, which C2 cannot vectorise (the widening conversion stops it). The lanes are added in
 * a fixed order, so results do not depend on the thread count; they differ from the scalar path's
 * in the last bits of the statistics (a different order of the same double additions). Each sum
 * sets up its own four accumulators: a shared helper passing them around would take or return
 * vectors and have to stay under C2's MaxInlineSize ({@code VectorInliningTest}).
 */
final class VectorNormKernels extends NormKernels {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats of half the width, so that one widens to exactly one double vector. */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    @Override
    double sum(float[] x, int off, int len) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int k = 0;
        for (; k + 4 * L <= len; k += 4 * L) {
            s0 = s0.add(widen(x, off + k));
            s1 = s1.add(widen(x, off + k + L));
            s2 = s2.add(widen(x, off + k + 2 * L));
            s3 = s3.add(widen(x, off + k + 3 * L));
        }
        for (; k + L <= len; k += L) {
            s0 = s0.add(widen(x, off + k));
        }
        double[] lanes = new double[L];
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        double s = inOrder(lanes);
        for (; k < len; k++) {
            s += x[off + k];
        }
        return s;
    }

    @Override
    double squaredDeviations(float[] x, int off, int len, double mu) {
        DoubleVector m = DoubleVector.broadcast(D, mu);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int k = 0;
        for (; k + 4 * L <= len; k += 4 * L) {
            DoubleVector d0 = widen(x, off + k).sub(m);
            DoubleVector d1 = widen(x, off + k + L).sub(m);
            DoubleVector d2 = widen(x, off + k + 2 * L).sub(m);
            DoubleVector d3 = widen(x, off + k + 3 * L).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (; k + L <= len; k += L) {
            DoubleVector d0 = widen(x, off + k).sub(m);
            s0 = d0.fma(d0, s0);
        }
        double[] lanes = new double[L];
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        double s = inOrder(lanes);
        for (; k < len; k++) {
            double d = x[off + k] - mu;
            s += d * d;
        }
        return s;
    }

    @Override
    double products(float[] g, float[] x, int off, int len, double mu) {
        DoubleVector m = DoubleVector.broadcast(D, mu);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int k = 0;
        for (; k + 4 * L <= len; k += 4 * L) {
            s0 = widen(g, off + k).fma(widen(x, off + k).sub(m), s0);
            s1 = widen(g, off + k + L).fma(widen(x, off + k + L).sub(m), s1);
            s2 = widen(g, off + k + 2 * L).fma(widen(x, off + k + 2 * L).sub(m), s2);
            s3 = widen(g, off + k + 3 * L).fma(widen(x, off + k + 3 * L).sub(m), s3);
        }
        for (; k + L <= len; k += L) {
            s0 = widen(g, off + k).fma(widen(x, off + k).sub(m), s0);
        }
        double[] lanes = new double[L];
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        double s = inOrder(lanes);
        for (; k < len; k++) {
            s += g[off + k] * (x[off + k] - mu);
        }
        return s;
    }

    /** The lanes added first to last, the same order in every JVM (a lane reduction may reorder them). */
    private static double inOrder(double[] lanes) {
        double s = 0;
        for (double lane : lanes) {
            s += lane;
        }
        return s;
    }

    /** {@code L} floats from {@code x[i]} as doubles. */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }
}
