package dev.grad4j.tensor;

/**
 * The plain-Java GEMM kernels, the fallback when the Vector API is absent. Inner loops run over
 * contiguous columns with no loop-carried dependence, so C2 turns them into SIMD code.
 */
final class ScalarGemmKernels extends GemmKernels {

    private static final int MR = 4;
    private static final int NR = 32;
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
    void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
              float[] c, int cOff, int ldc, int rows, int cols, float[] scratch) {
        float[] t = scratch;
        int w = width;
        java.util.Arrays.fill(t, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            int ai = aOff + p * MR;
            for (int r = 0; r < MR; r++) {
                float a = ap[ai + r];
                int ti = r * NR;
                for (int j = 0; j < w; j++) {
                    t[ti + j] += a * bp[bi + j];
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int ci = cOff + r * ldc;
            int ti = r * NR;
            for (int j = 0; j < cols; j++) {
                c[ci + j] += t[ti + j];
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
