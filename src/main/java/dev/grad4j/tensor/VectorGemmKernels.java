package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM kernels on the Java Vector API: a 6 x (2 vectors) register tile of fused multiply-adds.
 * Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 */
final class VectorGemmKernels extends GemmKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 6;
    private static final int NR = 2 * L;

    @Override
    int mr() {
        return MR;
    }

    @Override
    int nr() {
        return NR;
    }

    @Override
    String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
              float[] c, int cOff, int ldc, int rows, int cols, float[] scratch) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        // Walking offsets with the bounds checked once up front lets C2 drop the per-load checks
        // (measured: ~15% faster on JDK 17, 2x on JDK 25).
        int bEnd = bOff + kc * NR;
        if (bEnd > bp.length || aOff + kc * MR > ap.length) {
            throw new IllegalArgumentException("gemm tile: panel out of range");
        }
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        if (rows == MR && cols == NR) {
            addRow(c, cOff, c00, c01);
            addRow(c, cOff + ldc, c10, c11);
            addRow(c, cOff + 2 * ldc, c20, c21);
            addRow(c, cOff + 3 * ldc, c30, c31);
            addRow(c, cOff + 4 * ldc, c40, c41);
            addRow(c, cOff + 5 * ldc, c50, c51);
            return;
        }
        float[] t = scratch;
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR);
        c41.intoArray(t, 4 * NR + L);
        c50.intoArray(t, 5 * NR);
        c51.intoArray(t, 5 * NR + L);
        for (int r = 0; r < rows; r++) {
            int ci = cOff + r * ldc;
            for (int j = 0; j < cols; j++) {
                c[ci + j] += t[r * NR + j];
            }
        }
    }

    private static void addRow(float[] c, int off, FloatVector v0, FloatVector v1) {
        FloatVector.fromArray(S, c, off).add(v0).intoArray(c, off);
        FloatVector.fromArray(S, c, off + L).add(v1).intoArray(c, off + L);
    }

    @Override
    void rowsTimesMatrix(int m, int n, int ld, int k, float[] a, int aOff, int ars, int acs,
                         float[] b, int bOff, float[] c, int cOff) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            rowsTimesMatrix4(i, n, ld, k, a, aOff, ars, acs, b, bOff, c, cOff);
        }
        for (; i < m; i++) {
            rowsTimesMatrix1(i, n, ld, k, a, aOff, ars, acs, b, bOff, c, cOff);
        }
    }

    private static void rowsTimesMatrix4(int i, int n, int ld, int k, float[] a, int aOff, int ars, int acs,
                                         float[] b, int bOff, float[] c, int cOff) {
        int r0 = aOff + i * ars;
        int r1 = r0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int j = 0;
        for (; j + NR <= n; j += NR) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int p = 0; p < k; p++) {
                int bi = bOff + p * ld + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
                int pa = p * acs;
                FloatVector x = FloatVector.broadcast(S, a[r0 + pa]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[r1 + pa]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[r2 + pa]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[r3 + pa]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            int ci = cOff + i * ld + j;
            addRow(c, ci, c00, c01);
            addRow(c, ci + ld, c10, c11);
            addRow(c, ci + 2 * ld, c20, c21);
            addRow(c, ci + 3 * ld, c30, c31);
        }
        for (; j + L <= n; j += L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * ld + j);
                int pa = p * acs;
                c0 = FloatVector.broadcast(S, a[r0 + pa]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, a[r1 + pa]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, a[r2 + pa]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, a[r3 + pa]).fma(b0, c3);
            }
            int ci = cOff + i * ld + j;
            FloatVector.fromArray(S, c, ci).add(c0).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + ld).add(c1).intoArray(c, ci + ld);
            FloatVector.fromArray(S, c, ci + 2 * ld).add(c2).intoArray(c, ci + 2 * ld);
            FloatVector.fromArray(S, c, ci + 3 * ld).add(c3).intoArray(c, ci + 3 * ld);
        }
        for (; j < n; j++) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int p = 0; p < k; p++) {
                float bv = b[bOff + p * ld + j];
                int pa = p * acs;
                s0 = Math.fma(a[r0 + pa], bv, s0);
                s1 = Math.fma(a[r1 + pa], bv, s1);
                s2 = Math.fma(a[r2 + pa], bv, s2);
                s3 = Math.fma(a[r3 + pa], bv, s3);
            }
            int ci = cOff + i * ld + j;
            c[ci] += s0;
            c[ci + ld] += s1;
            c[ci + 2 * ld] += s2;
            c[ci + 3 * ld] += s3;
        }
    }

    private static void rowsTimesMatrix1(int i, int n, int ld, int k, float[] a, int aOff, int ars, int acs,
                                         float[] b, int bOff, float[] c, int cOff) {
        int r0 = aOff + i * ars;
        int j = 0;
        for (; j + NR <= n; j += NR) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = c0;
            for (int p = 0; p < k; p++) {
                int bi = bOff + p * ld + j;
                FloatVector x = FloatVector.broadcast(S, a[r0 + p * acs]);
                c0 = x.fma(FloatVector.fromArray(S, b, bi), c0);
                c1 = x.fma(FloatVector.fromArray(S, b, bi + L), c1);
            }
            addRow(c, cOff + i * ld + j, c0, c1);
        }
        for (; j + L <= n; j += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                c0 = FloatVector.broadcast(S, a[r0 + p * acs]).fma(FloatVector.fromArray(S, b, bOff + p * ld + j), c0);
            }
            int ci = cOff + i * ld + j;
            FloatVector.fromArray(S, c, ci).add(c0).intoArray(c, ci);
        }
        for (; j < n; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[r0 + p * acs], b[bOff + p * ld + j], s);
            }
            c[cOff + i * ld + j] += s;
        }
    }

    @Override
    void rowsDotRows(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                     float[] c, int cOff, int ldc) {
        int kv = k - k % L;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * k;
                int b1 = b0 + k;
                int b2 = b1 + k;
                int b3 = b2 + k;
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int p = 0; p < kv; p += L) {
                    FloatVector x = FloatVector.fromArray(S, a, ai + p);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                float t0 = s0.reduceLanes(VectorOperators.ADD);
                float t1 = s1.reduceLanes(VectorOperators.ADD);
                float t2 = s2.reduceLanes(VectorOperators.ADD);
                float t3 = s3.reduceLanes(VectorOperators.ADD);
                for (int p = kv; p < k; p++) {
                    float x = a[ai + p];
                    t0 = Math.fma(x, b[b0 + p], t0);
                    t1 = Math.fma(x, b[b1 + p], t1);
                    t2 = Math.fma(x, b[b2 + p], t2);
                    t3 = Math.fma(x, b[b3 + p], t3);
                }
                int ci = cOff + i * ldc + j;
                c[ci] += t0;
                c[ci + 1] += t1;
                c[ci + 2] += t2;
                c[ci + 3] += t3;
            }
            for (; j < n; j++) {
                int bj = bOff + j * k;
                FloatVector s = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
                }
                float t = s.reduceLanes(VectorOperators.ADD);
                for (int p = kv; p < k; p++) {
                    t = Math.fma(a[ai + p], b[bj + p], t);
                }
                c[cOff + i * ldc + j] += t;
            }
        }
    }
}
