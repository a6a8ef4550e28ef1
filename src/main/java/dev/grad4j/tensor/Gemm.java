package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * Single-precision matrix multiply on row-major arrays: {@code C = op(A) op(B)} (or {@code +=}),
 * where {@code op} optionally transposes. Each element of C accumulates its k products in order,
 * so results are deterministic.
 */
final class Gemm {

    private Gemm() {
    }

    /**
     * Computes {@code C[m, n] (+)= op(A)[m, k] · op(B)[k, n]}. A is stored as {@code [m, k]}, or
     * {@code [k, m]} when {@code ta}; B as {@code [k, n]}, or {@code [n, k]} when {@code tb}. C is
     * modified in place; A and B are only read.
     */
    static void gemm(boolean ta, boolean tb, int m, int n, int k,
                     float[] a, int ao, float[] b, int bo, float[] c, int co, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(c, co, co + m * n, 0f);
        }
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        float[] bk = b;
        int bOff = bo;
        if (tb) {
            bk = new float[k * n];
            for (int j = 0; j < n; j++) {
                int src = bo + j * k;
                for (int p = 0; p < k; p++) {
                    bk[p * n + j] = b[src + p];
                }
            }
            bOff = 0;
        }
        for (int i = 0; i < m; i++) {
            int cRow = co + i * n;
            for (int p = 0; p < k; p++) {
                float aip = ta ? a[ao + p * m + i] : a[ao + i * k + p];
                int bRow = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * bk[bRow + j];
                }
            }
        }
    }
}
