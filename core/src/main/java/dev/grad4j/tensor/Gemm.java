package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * Single-precision matrix multiply on row-major arrays: {@code C = op(A) op(B)} (or {@code +=}),
 * where {@code op} optionally transposes without materialising the transpose.
 *
 * <p>Large products are cache-blocked (KC x NC panels of B, blocks of {@link GemmKernels#mc} x KC of A), packed into
 * contiguous panels and computed by the register-tiled micro-kernel of {@link GemmKernels}. Small
 * row counts (a batch of a few samples) skip packing. Work is split between the kernel threads by
 * rows or columns of C, so every element is computed by one thread in a fixed order and results
 * are bit-identical for any thread count.
 */
final class Gemm {

    private static final int KC = 256;
    private static final int NC = 2048;
    /** Stored rows of a transposed B packed side by side into panels wider than this. */
    private static final int TRANSPOSE_BLOCK = 16;
    /** Below this many multiply-adds one thread does the whole product. */
    private static final long PARALLEL_MIN_FMAS = 1L << 18;

    /** Packing buffers up to this many floats are kept per thread and reused; larger ones are allocated per call. */
    private static final int REUSED_MAX = 1 << 20;

    /**
     * Each thread's packing buffers, reused between products: allocating them per call made a
     * third of the garbage of an MLP training step (and the heap growth that follows it).
     */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** The packing buffers of one thread; each slot is used for one purpose only, so they never overlap. */
    private static final class Buffers {
        static final int A = 0;
        static final int B = 1;
        static final int SHARED_B = 2;
        static final int TILE = 3;
        static final int TRANSPOSED = 4;

        private final float[][] held = {new float[0], new float[0], new float[0], new float[0], new float[0]};

        /** The slot's buffer if it holds {@code size} floats, else a new one (kept unless larger than {@link #REUSED_MAX}). */
        float[] get(int slot, int size) {
            if (held[slot].length >= size) {
                return held[slot];
            }
            float[] fresh = new float[size];
            if (size <= REUSED_MAX) {
                held[slot] = fresh;
            }
            return fresh;
        }
    }

    private Gemm() {
    }

    /**
     * Computes {@code C[m, n] (+)= op(A)[m, k] · op(B)[k, n]} with the selected kernels and the
     * kernel pool. A is stored as {@code [m, k]}, or {@code [k, m]} when {@code ta}; B as
     * {@code [k, n]}, or {@code [n, k]} when {@code tb}. C is modified in place; A and B are only read.
     */
    static void gemm(boolean ta, boolean tb, int m, int n, int k,
                     float[] a, int ao, float[] b, int bo, float[] c, int co, boolean accumulate) {
        long work = (long) m * n * k;
        int parts = work >= PARALLEL_MIN_FMAS ? KernelPool.THREADS : 1;
        gemm(Kernels.GEMM, parts, ta, tb, m, n, k, a, ao, b, bo, c, co, accumulate);
    }

    /** As {@link #gemm(boolean, boolean, int, int, int, float[], int, float[], int, float[], int, boolean)}
     * with explicit kernels and number of parts (for tests). */
    static void gemm(GemmKernels kern, int parts, boolean ta, boolean tb, int m, int n, int k,
                     float[] a, int ao, float[] b, int bo, float[] c, int co, boolean accumulate) {
        if (m == 0 || n == 0 || k == 0) {
            if (!accumulate) {
                Arrays.fill(c, co, co + m * n, 0f);
            }
            return;
        }
        // Without accumulate, each part clears its own block of C before adding into it (clearing
        // all of C first ran on one thread while the other waited)
        if (tb && !ta && n < kern.nr() && m >= kern.transposedRowsMin()) {
            // C = (B Aᵀ)ᵀ: the m rows of A become the columns of a product that fills panels
            float[] ct = BUFFERS.get().get(Buffers.TRANSPOSED, n * m);
            gemm(kern, parts, false, true, n, m, k, b, bo, a, ao, ct, 0, false);
            for (int i = 0; i < m; i++) {
                int ci = co + i * n;
                for (int j = 0, t = i; j < n; j++, t += m) {
                    c[ci + j] = accumulate ? c[ci + j] + ct[t] : ct[t];
                }
            }
        } else if (tb && !ta && (m <= kern.dotRowsMax() || n < kern.nr())) {
            // Dot products of rows of A with rows of B: split the rows of C when it has more rows
            // than columns, else its columns, so that each thread reads its part of the larger
            // operand (with the rows split, each thread read all of a linear layer's weight: MLP
            // batch 32 on two threads ran at 0.77x of one thread)
            if (m >= parts * 4 && m >= n) {
                KernelPool.run(parts, part -> {
                    int i0 = split(m, parts, part, 1);
                    int i1 = split(m, parts, part + 1, 1);
                    clear(accumulate, c, co, n, i0, i1, 0, n);
                    kern.rowsDotRows(i1 - i0, n, k, a, ao + i0 * k, b, bo, c, co + i0 * n, n);
                });
            } else {
                KernelPool.run(parts, part -> {
                    int j0 = split(n, parts, part, 4);
                    int j1 = split(n, parts, part + 1, 4);
                    clear(accumulate, c, co, n, 0, m, j0, j1);
                    kern.rowsDotRows(m, j1 - j0, k, a, ao, b, bo + j0 * k, c, co + j0, n);
                });
            }
        } else if (!tb && m <= kern.smallRowsMax()) {
            int ars = ta ? 1 : k;
            int acs = ta ? m : 1;
            KernelPool.run(parts, part -> {
                int j0 = split(n, parts, part, kern.nr());
                int j1 = split(n, parts, part + 1, kern.nr());
                clear(accumulate, c, co, n, 0, m, j0, j1);
                kern.rowsTimesMatrix(m, j1 - j0, n, k, a, ao, ars, acs, b, bo + j0, c, co + j0);
            });
        } else if (m >= n || largestPart(m, parts, kern.mr()) * (long) n < largestPart(n, parts, kern.nr()) * (long) m) {
            // Rows of C split between the threads: all of them read all of B, so B is packed once,
            // its column panels shared out between the threads, instead of once per thread. Done
            // for the linear forward (B transposed) and weight gradient (A transposed), where it
            // measured faster; for plain products (the input gradient) it did not.
            float[] bPacked = parts > 1 && n <= NC && (ta || tb) ? packAllB(kern, parts, tb, b, bo, n, k) : null;
            KernelPool.run(parts, part -> packed(kern, ta, tb, m, n, k, a, ao, b, bo, c, co, accumulate,
                    split(m, parts, part, kern.mr()), split(m, parts, part + 1, kern.mr()), 0, n, bPacked));
        } else {
            // Columns of C split between the threads, in whole panels of nr columns
            KernelPool.run(parts, part -> packed(kern, ta, tb, m, n, k, a, ao, b, bo, c, co, accumulate,
                    0, m, split(n, parts, part, kern.nr()), split(n, parts, part + 1, kern.nr()), null));
        }
    }

    /** Unless {@code accumulate}, zeroes rows {@code [i0, i1)}, columns {@code [j0, j1)} of C (leading dimension n). */
    private static void clear(boolean accumulate, float[] c, int co, int n, int i0, int i1, int j0, int j1) {
        if (accumulate || j0 >= j1) {
            return;
        }
        if (j0 == 0 && j1 == n) {
            Arrays.fill(c, co + i0 * n, co + i1 * n, 0f);
            return;
        }
        for (int i = i0; i < i1; i++) {
            Arrays.fill(c, co + i * n + j0, co + i * n + j1, 0f);
        }
    }

    /**
     * The size of the largest part of {@code total} split in {@code parts} aligned to {@code align}.
     * When rows give the threads more even work than columns, rows are split even for m < n (the
     * scalar kernels' 256-column panels cannot split 256 columns between two threads at all).
     */
    private static int largestPart(int total, int parts, int align) {
        int largest = 0;
        for (int part = 0; part < parts; part++) {
            largest = Math.max(largest, split(total, parts, part + 1, align) - split(total, parts, part, align));
        }
        return largest;
    }

    /** Start of part {@code part} of {@code total} split in {@code parts}, aligned to {@code align}. */
    private static int split(int total, int parts, int part, int align) {
        if (part >= parts) {
            return total;
        }
        int units = (total + align - 1) / align;
        return Math.min(total, (int) ((long) units * part / parts) * align);
    }

    /** The k-block length of a product with inner dimension k: equal blocks of at most KC, no thin last block. */
    private static int kcMax(int k) {
        int kBlocks = (k + KC - 1) / KC;
        return (k + kBlocks - 1) / kBlocks;
    }

    /**
     * All of op(B) ({@code n <= NC} columns) packed as {@link #packed} reads it: k block
     * {@code pc / kcMax} at {@code (pc / kcMax) * kcMax * roundUp(n, nr)}; the column panels are
     * packed by {@code parts} threads.
     */
    private static float[] packAllB(GemmKernels kern, int parts, boolean tb, float[] b, int bo, int n, int k) {
        int nr = kern.nr();
        int kc = kcMax(k);
        int kBlocks = (k + kc - 1) / kc;
        int blockSize = kc * roundUp(n, nr);
        // The calling thread's buffer: the parts only write their panels of it and return before the caller reads it
        float[] packed = BUFFERS.get().get(Buffers.SHARED_B, kBlocks * blockSize);
        // Each part packs whole k blocks when they divide evenly (the 784 columns of an MLP's
        // first weight gradient split in whole panels gave one thread 512 and the other 272),
        // else all the k blocks of its column panels
        boolean byBlock = kBlocks % parts == 0;
        KernelPool.run(parts, part -> {
            int j0 = byBlock ? 0 : split(n, parts, part, nr);
            int j1 = byBlock ? n : split(n, parts, part + 1, nr);
            int q0 = byBlock ? split(kBlocks, parts, part, 1) : 0;
            int q1 = byBlock ? split(kBlocks, parts, part + 1, 1) : kBlocks;
            if (j0 >= j1) {
                return;
            }
            for (int q = q0; q < q1; q++) {
                int pc = q * kc;
                int len = Math.min(kc, k - pc);
                // panels of columns [j0, j1) sit at j0 * len within the block (panel t at t*nr*len)
                packB(tb, b, bo, n, k, pc, len, j0, j1 - j0, nr, packed, q * blockSize + j0 * len);
            }
        });
        return packed;
    }

    /**
     * The blocked, packed product for rows {@code [i0, i1)} and columns {@code [j0, j1)} of C;
     * {@code bPacked} is all of B from {@link #packAllB} (then {@code j0 = 0, j1 = n <= NC}), or
     * null to pack B here. Unless {@code accumulate}, the block of C is cleared first.
     */
    private static void packed(GemmKernels kern, boolean ta, boolean tb, int m, int n, int k,
                               float[] a, int ao, float[] b, int bo, float[] c, int co, boolean accumulate,
                               int i0, int i1, int j0, int j1, float[] bPacked) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        clear(accumulate, c, co, n, i0, i1, j0, j1);
        int mr = kern.mr();
        int nr = kern.nr();
        int kcMax = kcMax(k);
        Buffers buffers = BUFFERS.get();
        float[] bPack = bPacked != null ? bPacked : buffers.get(Buffers.B, kcMax * roundUp(Math.min(NC, j1 - j0), nr));
        // A is read in place (full tiles, no packing; edge tiles use packed A) when it is long enough
        boolean inPlace = (ta ? k : i1 - i0) >= kern.inPlaceMin();
        int mcMax = kern.mc();
        float[] aPack = buffers.get(Buffers.A, kcMax * roundUp(Math.min(mcMax, i1 - i0), mr));
        float[] tile = buffers.get(Buffers.TILE, mr * nr);
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int bOff = 0;
                if (bPacked == null) {
                    packB(tb, b, bo, n, k, pc, kc, jc, nc, nr, bPack, 0);
                } else {
                    bOff = pc / kcMax * kcMax * roundUp(n, nr);
                }
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    int cBlock = co + ic * n + jc;
                    if (!inPlace) {
                        packA(ta, a, ao, m, k, ic, mc, pc, kc, mr, aPack);
                        panels(kern, kc, aPack, mc, bPack, bOff, c, cBlock, n, 0, nc, tile);
                        continue;
                    }
                    int mcFull = mc - mc % mr;
                    int ncFull = nc - nc % nr;
                    if (mcFull > 0 && ncFull > 0) {
                        // A(i, p) = a[ao + i*k + p], or a[ao + p*m + i] when transposed
                        int aOff = ta ? ao + pc * m + ic : ao + ic * k + pc;
                        for (int jr = 0; jr < ncFull; jr += nr) {
                            kern.panelRows(kc, a, aOff, ta ? 1 : k, ta ? m : 1, mcFull, bPack, bOff + jr * kc,
                                    c, cBlock + jr, n);
                        }
                    }
                    if (mcFull > 0 && ncFull < nc) { // the last, narrow column panel of the full rows
                        packA(ta, a, ao, m, k, ic, mcFull, pc, kc, mr, aPack);
                        panels(kern, kc, aPack, mcFull, bPack, bOff, c, cBlock, n, ncFull, nc, tile);
                    }
                    if (mcFull < mc) { // the last rows, fewer than a tile
                        packA(ta, a, ao, m, k, ic + mcFull, mc - mcFull, pc, kc, mr, aPack);
                        panels(kern, kc, aPack, mc - mcFull, bPack, bOff, c, cBlock + mcFull * n, n, 0, nc, tile);
                    }
                }
            }
        }
    }

    /** {@link GemmKernels#panel} for the column panels {@code [j0, j1)} (from a multiple of nr) of a packed A block. */
    private static void panels(GemmKernels kern, int kc, float[] aPack, int mc, float[] bPack, int bOff, float[] c,
                               int cBlock, int ldc, int j0, int j1, float[] tile) {
        int nr = kern.nr();
        for (int jr = j0; jr < j1; jr += nr) {
            kern.panel(kc, aPack, mc, bPack, bOff + jr * kc, c, cBlock + jr, ldc, Math.min(nr, j1 - jr), tile);
        }
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * Packs rows {@code [ic, ic+mc)}, columns {@code [pc, pc+kc)} of op(A) into panels of
     * {@code mr} rows: panel q at {@code q*mr*kc}, element (r, p) at {@code p*mr + r}, zero-padded.
     */
    private static void packA(boolean ta, float[] a, int ao, int m, int k, int ic, int mc, int pc, int kc,
                              int mr, float[] dst) {
        if (ta) {
            // A stored [k, m]: read each stored row once, sequentially, and deal its mc values out
            // to the panels (walking one panel column at a time read mr floats per stored row at a
            // stride of m, latency-bound: the weight gradient Gᵀ x ran at 0.7x of the plain product)
            for (int p = 0; p < kc; p++) {
                int src = ao + (pc + p) * m + ic;
                for (int ir = 0; ir < mc; ir += mr) {
                    int rows = Math.min(mr, mc - ir);
                    int d = ir * kc + p * mr;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = a[src + ir + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        dst[d + r] = 0f;
                    }
                }
            }
            return;
        }
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            // One row of A at a time: sequential reads, and the strided writes stay in the
            // small panel (reading the rows interleaved cost 19% of an MLP step at batch 512).
            for (int r = 0; r < rows; r++) {
                int src = ao + (ic + ir + r) * k + pc;
                for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                    dst[d] = a[src + p];
                }
            }
            for (int r = rows; r < mr; r++) {
                for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                    dst[d] = 0f;
                }
            }
        }
    }

    /**
     * Packs rows {@code [pc, pc+kc)}, columns {@code [jc, jc+nc)} of op(B) into panels of
     * {@code nr} columns: panel t at {@code dstOff + t*nr*kc}, element (p, j) at {@code p*nr + j},
     * zero-padded.
     */
    private static void packB(boolean tb, float[] b, int bo, int n, int k, int pc, int kc, int jc, int nc,
                              int nr, float[] dst, int dstOff) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int base = dstOff + jr * kc;
            if (tb) {
                // Rows of the stored [n, k] B become columns of the panel: one stored row at a time,
                // read sequentially, written at a stride of nr within the panel (reading the
                // `cols` rows interleaved cost more than the product itself for a 64-row batch).
                int src = bo + (jc + jr) * k + pc;
                int j = 0;
                if (nr > TRANSPOSE_BLOCK) {
                    // Wide panels (the scalar kernels' 1 KiB rows): a column written alone touches a
                    // new cache line at every p, so TRANSPOSE_BLOCK stored rows are read side by side
                    // and each p writes one contiguous run of the panel row.
                    for (; j + TRANSPOSE_BLOCK <= cols; j += TRANSPOSE_BLOCK) {
                        int row = src + j * k;
                        for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                            for (int t = 0, s = row + p; t < TRANSPOSE_BLOCK; t++, s += k) {
                                dst[d + t] = b[s];
                            }
                        }
                    }
                }
                for (; j < cols; j++) {
                    int row = src + j * k;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = b[row + p];
                    }
                }
                if (cols < nr) {
                    for (int p = 0, d = base; p < kc; p++, d += nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bo + (pc + p) * n + jc + jr;
                    int d = base + p * nr;
                    System.arraycopy(b, src, dst, d, cols);
                    if (cols < nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            }
        }
    }
}
