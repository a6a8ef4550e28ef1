package dev.grad4j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation with the Vector API: the sums of {@link NormKernels} still in double, but in
 * double lanes (each float vector widened into two double vectors, four accumulators) instead of
 * serial double additions, which C2 cannot vectorise (the widening conversion stops it). The lanes are added in
 * a fixed order, so results do not depend on the thread count; they differ from the scalar path's
 * in the last bits of the statistics (a different order of the same double additions). Each sum
 * sets up its own four accumulators: a shared helper passing them around would take or return
 * vectors and have to stay under C2's MaxInlineSize ({@code VectorInliningTest}).
 */
final class VectorNormKernels extends NormKernels {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * The floats of the other kernels' species, each vector widened into two double vectors (its
     * low and high halves). A float species of half the width, widened whole, made the Vector
     * API's shared load and store paths see two float vector classes, and in some JVMs C2 then
     * left the GEMM tile's stores as calls (the convnet ran at 350 instead of 2,700 samples/s).
     */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    @Override
    double sum(float[] x, int off, int len) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int k = 0;
        for (; k + 4 * L <= len; k += 4 * L) {
            FloatVector f0 = FloatVector.fromArray(F, x, off + k);
            FloatVector f1 = FloatVector.fromArray(F, x, off + k + 2 * L);
            s0 = s0.add(widen(f0, 0));
            s1 = s1.add(widen(f0, 1));
            s2 = s2.add(widen(f1, 0));
            s3 = s3.add(widen(f1, 1));
        }
        for (; k + 2 * L <= len; k += 2 * L) {
            FloatVector f0 = FloatVector.fromArray(F, x, off + k);
            s0 = s0.add(widen(f0, 0));
            s1 = s1.add(widen(f0, 1));
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
            FloatVector f0 = FloatVector.fromArray(F, x, off + k);
            FloatVector f1 = FloatVector.fromArray(F, x, off + k + 2 * L);
            DoubleVector d0 = widen(f0, 0).sub(m);
            DoubleVector d1 = widen(f0, 1).sub(m);
            DoubleVector d2 = widen(f1, 0).sub(m);
            DoubleVector d3 = widen(f1, 1).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (; k + 2 * L <= len; k += 2 * L) {
            FloatVector f0 = FloatVector.fromArray(F, x, off + k);
            DoubleVector d0 = widen(f0, 0).sub(m);
            DoubleVector d1 = widen(f0, 1).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
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
            FloatVector g0 = FloatVector.fromArray(F, g, off + k);
            FloatVector g1 = FloatVector.fromArray(F, g, off + k + 2 * L);
            FloatVector x0 = FloatVector.fromArray(F, x, off + k);
            FloatVector x1 = FloatVector.fromArray(F, x, off + k + 2 * L);
            s0 = widen(g0, 0).fma(widen(x0, 0).sub(m), s0);
            s1 = widen(g0, 1).fma(widen(x0, 1).sub(m), s1);
            s2 = widen(g1, 0).fma(widen(x1, 0).sub(m), s2);
            s3 = widen(g1, 1).fma(widen(x1, 1).sub(m), s3);
        }
        for (; k + 2 * L <= len; k += 2 * L) {
            FloatVector g0 = FloatVector.fromArray(F, g, off + k);
            FloatVector x0 = FloatVector.fromArray(F, x, off + k);
            s0 = widen(g0, 0).fma(widen(x0, 0).sub(m), s0);
            s1 = widen(g0, 1).fma(widen(x0, 1).sub(m), s1);
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

    /** Half {@code part} (0 low, 1 high) of the {@code 2L} floats {@code f} as doubles. */
    private static DoubleVector widen(FloatVector f, int part) {
        return (DoubleVector) f.convertShape(VectorOperators.F2D, D, part);
    }
}
