package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * The plain-Java GEMM kernels, the fallback when the Vector API is absent.
 *
 * <p>C2 on JDK 17 vectorises a loop only when every array in it is indexed from 0 by the loop
 * variable; an index with a variable offset keeps it scalar (measured: 3 vs 20+ GFLOP/s). So the
 * packed panel is copied into one small array per k step, and the register tile is four separate
 * row accumulators, each loop then reading {@code b[j]} and updating {@code t0[j]..t3[j]}.
 */
final class ScalarGemmKernels extends GemmKernels {

    private static final int MR = 4;
    private static final int NR = 64;
    /**
     * NR read from a field: a loop bounded by a compile-time constant this small is fully unrolled
     * by C2 instead of vectorised.
     */
    private final int width = NR;

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
        return "scalar";
    }

    @Override
    void panel(int kc, float[] ap, int mc, float[] bp, int bOff, float[] c, int cOff, int ldc, int cols) {
        float[][] rows = new float[kc][];
        for (int p = 0; p < kc; p++) {
            rows[p] = Arrays.copyOfRange(bp, bOff + p * NR, bOff + (p + 1) * NR);
        }
        float[][] acc = new float[MR][NR];
        for (int ir = 0; ir < mc; ir += MR) {
            tileRows(kc, ap, ir * kc, rows, acc);
            int rowsHere = Math.min(MR, mc - ir);
            for (int r = 0; r < rowsHere; r++) {
                int ci = cOff + (ir + r) * ldc;
                float[] t = acc[r];
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += t[j];
                }
            }
        }
    }

    /** {@code acc[r][j] = Σ_p ap[aOff + p*MR + r] * rows[p][j]}; every loop indexes its arrays from 0. */
    private void tileRows(int kc, float[] ap, int aOff, float[][] rows, float[][] acc) {
        int w = width;
        float[] t0 = acc[0];
        float[] t1 = acc[1];
        float[] t2 = acc[2];
        float[] t3 = acc[3];
        Arrays.fill(t0, 0f);
        Arrays.fill(t1, 0f);
        Arrays.fill(t2, 0f);
        Arrays.fill(t3, 0f);
        for (int p = 0; p < kc; p++) {
            float[] b = rows[p];
            int ai = aOff + p * MR;
            float a0 = ap[ai];
            float a1 = ap[ai + 1];
            float a2 = ap[ai + 2];
            float a3 = ap[ai + 3];
            for (int j = 0; j < w; j++) {
                float bj = b[j];
                t0[j] += a0 * bj;
                t1[j] += a1 * bj;
                t2[j] += a2 * bj;
                t3[j] += a3 * bj;
            }
        }
    }

    @Override
    void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
              float[] c, int cOff, int ldc, int rows, int cols, float[] scratch) {
        float[][] rowsOfB = new float[kc][];
        for (int p = 0; p < kc; p++) {
            rowsOfB[p] = Arrays.copyOfRange(bp, bOff + p * NR, bOff + (p + 1) * NR);
        }
        float[][] acc = new float[MR][NR];
        tileRows(kc, ap, aOff, rowsOfB, acc);
        for (int r = 0; r < rows; r++) {
            int ci = cOff + r * ldc;
            for (int j = 0; j < cols; j++) {
                c[ci + j] += acc[r][j];
            }
        }
    }

    @Override
    void rowsTimesMatrix(int m, int n, int ld, int k, float[] a, int aOff, int ars, int acs,
                         float[] b, int bOff, float[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ld;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * ars + p * acs];
                int bi = bOff + p * ld;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bi + j];
                }
            }
        }
    }

    @Override
    void rowsDotRows(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                     float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * k;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                c[cOff + i * ldc + j] += s;
            }
        }
    }
}
