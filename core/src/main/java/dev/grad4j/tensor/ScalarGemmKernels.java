package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * The plain-Java GEMM kernels, the fallback when the Vector API is absent.
 *
 * <p>C2's SuperWord vectorises the loop over the columns j of a packed B row when three things
 * hold (measured on JDK 17 and 25, see docs/performance.md):
 * <ul>
 * <li>Every array the loop stores to or loads from is indexed by {@code j} with the same invariant
 * offset, here none: C2 proves two accesses independent only when their index expressions differ
 * by a constant, and an offset it cannot compare ({@code c[ci + j]} against {@code b[j]}) keeps the
 * loop scalar. So each k row of the packed B panel is copied into its own array, and the register
 * tile is one accumulator array per row of C, loaded from and stored back to C with
 * {@link System#arraycopy}.</li>
 * <li>The loop is long: C2 aligns the vectorised main loop with up to 15 scalar iterations of a
 * pre-loop and finishes in a scalar post-loop, so at 64 columns (four 512-bit vectors) half the work
 * ran scalar; at 256 columns that fixed cost is about a tenth of a pass (the loop measured 75 GFLOP/s
 * at 256 columns and 79 at 512).</li>
 * <li>The body is small: three rows of C times two k steps ({@code r3k2}) vectorises on both
 * JDKs. A larger body, two rows times four k steps or four rows times two, passes JDK 17's loop
 * unroll limit ({@code LoopUnrollLimit}): C2 cannot unroll it to the vector width and compiles it
 * scalar (13 GFLOP/s; it vectorises with {@code -XX:LoopUnrollLimit=120}, a flag users would have to
 * add). In a loop benchmark of 256 columns {@code r3k2} ran 69-78 GFLOP/s on JDK 17 (64-71 on 25)
 * against 46-60 for two rows times two k steps, which loads every B element for two rows of C
 * instead of three. JDK 25 vectorises three rows times three k steps too, and from JDK 25 on the
 * kernels use it ({@link #threeSteps}).</li>
 * </ul>
 *
 * <p>Products of a few rows are packed too ({@link #smallRowsMax} is 0): an unpacked
 * {@code c[ci + j] += a * b[bi + j]} has two different offsets and stays scalar, and packing
 * measured faster from one row (MLP batch 8: 5,647 against 4,914 samples/s; batch 512 5% faster
 * from the last layer's weight gradient).
 */
final class ScalarGemmKernels extends GemmKernels {

    private static final int MR = 3;
    private static final int NR = 256;
    /**
     * NR read from a field: a loop bounded by a compile-time constant may be fully unrolled by C2
     * instead of vectorised.
     */
    private final int width = NR;

    /**
     * Whether a pass of the tile loop takes three k steps ({@link #threeRowsThreeSteps}) instead of
     * two. JDK 25's C2 vectorises the larger body, and it measured faster there (alternating runs:
     * sgemm n = 1024 58.6-61.1 -> 63.6-72.4 GFLOP/s, MLP batch 512 41.7-46.5k -> 46.8-49.9k
     * samples/s, one run of ten 34.3k); JDK 17 compiles it scalar (it passes the loop unroll
     * limit), and the versions between were not measured, so they keep two. Both sum in increasing
     * k, so the results are identical.
     */
    private final boolean threeSteps;

    /** Per-thread copies of the B panel rows and the accumulator rows, reused between calls. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Reusable arrays of one kernel thread. */
    private static final class Scratch {
        float[][] rows = new float[0][];
        final float[][] acc = new float[MR][NR];

        /** The first {@code cols} columns of the kc rows of the packed B panel at {@code bp[bOff]}, each in its own array. */
        float[][] rows(int kc, float[] bp, int bOff, int cols) {
            if (rows.length < kc) {
                float[][] grown = Arrays.copyOf(rows, kc);
                for (int p = rows.length; p < kc; p++) {
                    grown[p] = new float[NR];
                }
                rows = grown;
            }
            for (int p = 0; p < kc; p++) {
                System.arraycopy(bp, bOff + p * NR, rows[p], 0, cols);
            }
            return rows;
        }
    }

    /** The kernels for the running JDK: three k steps per pass from JDK 25 on. */
    ScalarGemmKernels() {
        this(Runtime.version().feature() >= 25);
    }

    /** The kernels with three k steps per pass of the tile loop, or two. */
    ScalarGemmKernels(boolean threeSteps) {
        this.threeSteps = threeSteps;
    }

    @Override
    int mr() {
        return MR;
    }

    /**
     * A dot product is a float reduction, which C2 does not vectorise (it would reorder the sum), so
     * packing B pays for itself from a few rows: 8 measured best on the MLP layers (batch 4 ran 1.5x
     * faster as dot products, batch 16 1.5x faster packed).
     */
    @Override
    int dotRowsMax() {
        return 8;
    }

    /**
     * One block for all the rows a thread has (up to 1,026): A is read in place, so the block size
     * does not keep anything in cache, while every block copies each B panel's rows again.
     */
    @Override
    int mc() {
        return 1026;
    }

    /**
     * A is always read in place: a tile reads six values of it (nine with three k steps) per
     * 256-column pass, so packing it saved nothing, and with 512 rows split 255 / 257 between two threads only one of them packed
     * (7% of its forward pass at MLP batch 512, which the other thread spent waiting).
     */
    @Override
    int inPlaceMin() {
        return 1;
    }

    /**
     * The dot products of a narrow {@code A Bᵀ} run scalar (the logits of an MLP, 10 columns, were 5%
     * of its step at batch 512); as {@code (B Aᵀ)ᵀ} they run in the vectorised tiles, and since both
     * sum every element's products one at a time in increasing k, the results are identical.
     */
    @Override
    int transposedRowsMin() {
        return NR;
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
    void panel(int kc, float[] ap, int mc, float[] bp, int bOff, float[] c, int cOff, int ldc, int cols,
               float[] scratch) {
        Scratch s = SCRATCH.get();
        float[][] rows = s.rows(kc, bp, bOff, cols);
        for (int ir = 0; ir < mc; ir += MR) {
            tile(kc, ap, ir * kc, 1, MR, rows, s.acc, c, cOff + ir * ldc, ldc, Math.min(MR, mc - ir), cols);
        }
    }

    @Override
    void panelRows(int kc, float[] a, int aOff, int ars, int acs, int mc, float[] bp, int bOff, float[] c, int cOff,
                   int ldc) {
        Scratch s = SCRATCH.get();
        float[][] rows = s.rows(kc, bp, bOff, width);
        for (int ir = 0; ir < mc; ir += MR) {
            tile(kc, a, aOff + ir * ars, ars, acs, rows, s.acc, c, cOff + ir * ldc, ldc, MR, width);
        }
    }

    /**
     * Loads {@code rows x cols} of C into the accumulators, adds the products of the A tile (row r,
     * column p at {@code a[aOff + r*ars + p*acs]}: packed, or in place) and the B rows in increasing
     * k, and stores them back. Only the first {@code cols} columns are computed: the last, narrow
     * panel of a product (16 of the 784 columns of an MLP's first weight gradient) would otherwise
     * cost a full panel.
     */
    private void tile(int kc, float[] a, int aOff, int ars, int acs, float[][] b, float[][] acc,
                      float[] c, int cOff, int ldc, int rows, int cols) {
        for (int r = 0; r < MR; r++) {
            if (r < rows) {
                System.arraycopy(c, cOff + r * ldc, acc[r], 0, cols);
            } else {
                Arrays.fill(acc[r], 0, cols, 0f);
            }
        }
        if (threeSteps) {
            threeRowsThreeSteps(kc, a, aOff, ars, acs, b, cols, acc);
        } else {
            threeRows(kc, a, aOff, ars, acs, b, cols, acc);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(acc[r], 0, c, cOff + r * ldc, cols);
        }
    }

    /**
     * {@code acc[0][j] += Σ_p a[aOff + p*acs] * b[p][j]} for {@code j < w}, {@code acc[1]} and
     * {@code acc[2]} likewise for the next rows ({@code aOff + ars}, {@code aOff + 2*ars}), two k
     * steps per pass; every array is indexed from 0 by {@code j}. The accumulator rows come as one
     * array: passed as three more parameters, they were spilled to the stack and reloaded at every
     * store, and sgemm ran at 20-31 instead of 64 GFLOP/s whenever C2 compiled this method on its own.
     */
    private void threeRows(int kc, float[] a, int aOff, int ars, int acs, float[][] b, int w, float[][] acc) {
        float[] t0 = acc[0];
        float[] t1 = acc[1];
        float[] t2 = acc[2];
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            float[] b0 = b[p];
            float[] b1 = b[p + 1];
            int ai = aOff + p * acs;
            float a00 = a[ai];
            float a01 = a[ai + ars];
            float a02 = a[ai + 2 * ars];
            float a10 = a[ai + acs];
            float a11 = a[ai + acs + ars];
            float a12 = a[ai + acs + 2 * ars];
            for (int j = 0; j < w; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                t0[j] = (t0[j] + a00 * x0) + a10 * x1;
                t1[j] = (t1[j] + a01 * x0) + a11 * x1;
                t2[j] = (t2[j] + a02 * x0) + a12 * x1;
            }
        }
        if (p < kc) {
            int ai = aOff + p * acs;
            addStep(b[p], a[ai], a[ai + ars], a[ai + 2 * ars], w, acc);
        }
    }

    /** As {@link #threeRows} with three k steps per pass (vectorised by JDK 25, not by JDK 17). */
    private void threeRowsThreeSteps(int kc, float[] a, int aOff, int ars, int acs, float[][] b, int w,
                                     float[][] acc) {
        float[] t0 = acc[0];
        float[] t1 = acc[1];
        float[] t2 = acc[2];
        int p = 0;
        for (; p + 2 < kc; p += 3) {
            float[] b0 = b[p];
            float[] b1 = b[p + 1];
            float[] b2 = b[p + 2];
            int ai = aOff + p * acs;
            float a00 = a[ai];
            float a01 = a[ai + ars];
            float a02 = a[ai + 2 * ars];
            float a10 = a[ai + acs];
            float a11 = a[ai + acs + ars];
            float a12 = a[ai + acs + 2 * ars];
            float a20 = a[ai + 2 * acs];
            float a21 = a[ai + 2 * acs + ars];
            float a22 = a[ai + 2 * acs + 2 * ars];
            for (int j = 0; j < w; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                float x2 = b2[j];
                t0[j] = ((t0[j] + a00 * x0) + a10 * x1) + a20 * x2;
                t1[j] = ((t1[j] + a01 * x0) + a11 * x1) + a21 * x2;
                t2[j] = ((t2[j] + a02 * x0) + a12 * x1) + a22 * x2;
            }
        }
        for (; p < kc; p++) {
            int ai = aOff + p * acs;
            addStep(b[p], a[ai], a[ai + ars], a[ai + 2 * ars], w, acc);
        }
    }

    /** One k step of the tile loop: {@code acc[r][j] += ar * b0[j]} for the three rows, {@code j < w}. */
    private void addStep(float[] b0, float a0, float a1, float a2, int w, float[][] acc) {
        float[] t0 = acc[0];
        float[] t1 = acc[1];
        float[] t2 = acc[2];
        for (int j = 0; j < w; j++) {
            float x0 = b0[j];
            t0[j] += a0 * x0;
            t1[j] += a1 * x0;
            t2[j] += a2 * x0;
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
