package dev.grad4j.tensor;

/**
 * The inner loops of matrix multiply, in two implementations: {@link ScalarGemmKernels} (plain
 * Java that C2 auto-vectorises) and {@code VectorGemmKernels} (the Java Vector API). {@link Gemm}
 * does the blocking, packing and threading around them and is the same for both.
 *
 * <p>Every method adds its products into C; the k products of each element of C are summed in
 * increasing k, so a result depends only on the kernel, never on how rows or columns are split
 * between threads.
 */
abstract class GemmKernels {

    /** Rows of the register tile. */
    abstract int mr();

    /** Columns of the register tile. */
    abstract int nr();

    /** A short name of the implementation for logs and benchmarks: {@code "scalar"} or {@code "vector-256"}. */
    abstract String name();

    /**
     * Packed column panel: adds {@code op(A)[mc rows] · panel} into C for every row tile of an A
     * block: row tile q of {@code ap} starts at {@code q*mr*kc}; the B panel of {@code cols <= nr}
     * columns starts at {@code bOff}, zero-padded to {@link #nr}; C is row-major with leading
     * dimension {@code ldc}. {@code scratch} holds {@code mr*nr} floats for edge tiles.
     */
    abstract void panel(int kc, float[] ap, int mc, float[] bp, int bOff, float[] c, int cOff, int ldc, int cols,
                        float[] scratch);

    /**
     * Up to this many rows of A, {@link Gemm} computes {@code A Bᵀ} with {@link #rowsDotRows}, which
     * needs no packing, instead of transposing B into panels.
     */
    abstract int dotRowsMax();

    /**
     * Rows of A in a block (MC): the block is packed, or read in place, once per k block and then
     * multiplied by every column panel of B. The default, 144, keeps a packed block of 256 k steps
     * in L2 beside the B panel.
     */
    int mc() {
        return 144;
    }

    /**
     * From this many rows of A per thread (columns when A is transposed), {@link Gemm} reads A in
     * place with {@link #panelRows} instead of packing it. The default, 192: with a batch of one
     * sequence (64 rows) the Vector kernels' packed tiles measured faster, and 512 rows split
     * 258 / 254 between two threads must not leave one of them packing (at 256 it did: 8% of that
     * thread's time at MLP batch 512, which the other spent waiting).
     */
    int inPlaceMin() {
        return 192;
    }

    /**
     * From this many rows of A, {@link Gemm} computes an {@code A Bᵀ} of fewer than {@link #nr}
     * columns (too narrow for a panel) as the transpose of {@code B Aᵀ}, whose m columns fill
     * panels, instead of with {@link #rowsDotRows}. The default, {@link Integer#MAX_VALUE}, never
     * does.
     */
    int transposedRowsMin() {
        return Integer.MAX_VALUE;
    }

    /**
     * Up to this many rows of A, {@link Gemm} computes {@code A B} with {@link #rowsTimesMatrix},
     * without packing. The default is 0: always packed.
     */
    int smallRowsMax() {
        return 0;
    }

    /**
     * As {@link #panel} for full tiles, with A read in place: row r, column p of the block at
     * {@code a[aOff + r*ars + p*acs]} for {@code r < mc} ({@code mc} a multiple of {@link #mr}),
     * {@code p < kc}, where {@code (ars, acs)} is {@code (lda, 1)} for a row-major A or
     * {@code (1, lda)} for a transposed one; the B panel has {@link #nr} columns. Sums every product
     * in the same order as {@link #panel}, so the results are identical.
     */
    abstract void panelRows(int kc, float[] a, int aOff, int ars, int acs, int mc, float[] bp, int bOff, float[] c,
                            int cOff, int ldc);

    /**
     * Unpacked product of a few rows: {@code C[i, j] += Σ_p A(i, p) * B[p, j]} for {@code i < m},
     * {@code j < n}, where {@code A(i, p) = a[aOff + i*ars + p*acs]}; B and C are row-major with
     * leading dimension {@code ld} (n may be a column slice of it). Used when m is small and packing
     * does not pay. Only called for {@code m <= }{@link #smallRowsMax}.
     */
    void rowsTimesMatrix(int m, int n, int ld, int k, float[] a, int aOff, int ars, int acs,
                         float[] b, int bOff, float[] c, int cOff) {
        throw new UnsupportedOperationException(name() + " packs every product");
    }

    /**
     * Unpacked product with B transposed: {@code C[i, j] += Σ_p A[i, p] * B[j, p]} for
     * {@code i < m}, {@code j < n}, A row-major {@code [m, k]}, B row-major {@code [n, k]}.
     */
    abstract void rowsDotRows(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                              float[] c, int cOff, int ldc);
}
