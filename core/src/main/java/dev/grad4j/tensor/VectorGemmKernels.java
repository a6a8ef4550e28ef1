package dev.grad4j.tensor;

import java.util.ArrayList;
import java.util.List;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM kernels on the Java Vector API: a 6 x (2 vectors) register tile of fused multiply-adds.
 * Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 *
 * <p>Every helper that takes or returns a vector is under 35 bytes of bytecode, C2's
 * {@code MaxInlineSize}, so C2 inlines it however cold its call site looks (VectorInliningTest). A
 * larger one is inlined only if its call site counts as hot in the profile C2 compiles from; when
 * it does not, the vectors are boxed into objects at every call, and the JVM runs at a fraction of
 * its speed for the rest of its life. Which way it goes depends on timing: on JDK 25 the MLP at
 * batch 32 ran at 275, 12,364 or 58,437 samples/s in three runs of the same command while a
 * 120-byte merge helper of {@link #dot2x4} fell out of inlining ("callee is too large").
 *
 * <p>The tile kernels, large methods that can pass C2's {@code NodeCountInliningCutoff} before
 * their end, add their accumulators into C with the Vector API's own calls written out: those are
 * force-inlined (at worst late), while a helper of ours past the cutoff is refused (seen: "addTo
 * (18 bytes) NodeCountInliningCutoff" in a compile of {@code tileRows}).
 */
final class VectorGemmKernels extends GemmKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 6;
    private static final int NR = 2 * L;
    /** Rotations by L/2, L/4, ..., 1 lanes, for {@link #sum}. */
    private static final List<VectorShuffle<Float>> HALVES = halves();
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(S, 8, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(S, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(S, 1, 1, true);

    /**
     * Whether {@link #dot2x4} sums its eight accumulators together (a merge network): a network of
     * three merge levels needs at least 8 lanes, and this one is written for 8 or 16.
     */
    private static final boolean MERGED_SUMS = L == 8 || L == 16;
    /** For the merge level of stride w (L/2, L/4, L/8): the lanes whose index has bit w set. */
    private static final VectorMask<Float> UPPER_1 = laneBitMask(L / 2);
    private static final VectorMask<Float> UPPER_2 = laneBitMask(Math.max(1, L / 4));
    private static final VectorMask<Float> UPPER_3 = laneBitMask(Math.max(1, L / 8));
    /** For stride w: lane i takes lane i ^ w. */
    private static final VectorShuffle<Float> SWAP_1 = laneXor(L / 2);
    private static final VectorShuffle<Float> SWAP_2 = laneXor(Math.max(1, L / 4));
    private static final VectorShuffle<Float> SWAP_3 = laneXor(Math.max(1, L / 8));
    private static final VectorShuffle<Float> SWAP_ADJACENT = laneXor(1);
    /**
     * Whether {@link #dot4x4} runs: its sixteen accumulators, four rows of A and a row of B take
     * 21 of the 32 AVX-512 registers; with 8 lanes (AVX2, 16 registers) they would spill, and its
     * merge networks are written for 16 lanes.
     */
    private static final boolean SIXTEEN_SUMS = L == 16;

    private static VectorMask<Float> laneBitMask(int w) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (i & w) != 0;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    private static VectorShuffle<Float> laneXor(int w) {
        int[] index = new int[L];
        for (int i = 0; i < L; i++) {
            index[i] = i ^ w;
        }
        return VectorShuffle.fromArray(S, index, 0);
    }

    private static List<VectorShuffle<Float>> halves() {
        List<VectorShuffle<Float>> out = new ArrayList<>();
        for (int shift = L / 2; shift >= 1; shift /= 2) {
            out.add(VectorShuffle.iota(S, shift, 1, true));
        }
        return List.copyOf(out);
    }

    @Override
    int mr() {
        return MR;
    }

    /** Transposing B into panels costs more than it saves below this (measured on the MLP layers). */
    @Override
    int dotRowsMax() {
        return 48;
    }

    @Override
    int smallRowsMax() {
        return 16;
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
    void panel(int kc, float[] ap, int mc, float[] bp, int bOff, float[] c, int cOff, int ldc, int cols,
               float[] scratch) {
        for (int ir = 0; ir < mc; ir += MR) {
            tile(kc, ap, ir * kc, bp, bOff, c, cOff + ir * ldc, ldc, Math.min(MR, mc - ir), cols, scratch);
        }
    }

    /**
     * Packed tile: {@code C[r, j] += Σ_p ap[aOff + p*MR + r] * bp[bOff + p*NR + j]} for
     * {@code r < rows <= MR}, {@code j < cols <= NR}, {@code p < kc}; edge tiles go through
     * {@code scratch} ({@code MR*NR} floats).
     */
    private static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
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
            FloatVector.fromArray(S, c, cOff).add(c00).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).add(c01).intoArray(c, cOff + L);
            FloatVector.fromArray(S, c, cOff + ldc).add(c10).intoArray(c, cOff + ldc);
            FloatVector.fromArray(S, c, cOff + ldc + L).add(c11).intoArray(c, cOff + ldc + L);
            FloatVector.fromArray(S, c, cOff + 2 * ldc).add(c20).intoArray(c, cOff + 2 * ldc);
            FloatVector.fromArray(S, c, cOff + 2 * ldc + L).add(c21).intoArray(c, cOff + 2 * ldc + L);
            FloatVector.fromArray(S, c, cOff + 3 * ldc).add(c30).intoArray(c, cOff + 3 * ldc);
            FloatVector.fromArray(S, c, cOff + 3 * ldc + L).add(c31).intoArray(c, cOff + 3 * ldc + L);
            FloatVector.fromArray(S, c, cOff + 4 * ldc).add(c40).intoArray(c, cOff + 4 * ldc);
            FloatVector.fromArray(S, c, cOff + 4 * ldc + L).add(c41).intoArray(c, cOff + 4 * ldc + L);
            FloatVector.fromArray(S, c, cOff + 5 * ldc).add(c50).intoArray(c, cOff + 5 * ldc);
            FloatVector.fromArray(S, c, cOff + 5 * ldc + L).add(c51).intoArray(c, cOff + 5 * ldc + L);
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

    @Override
    void panelRows(int kc, float[] a, int aOff, int ars, int acs, int mc, float[] bp, int bOff, float[] c, int cOff,
                   int ldc) {
        for (int ir = 0; ir < mc; ir += MR) {
            if (acs == 1) {
                tileRows(kc, a, aOff + ir * ars, ars, bp, bOff, c, cOff + ir * ldc, ldc);
            } else {
                tileColumns(kc, a, aOff + ir, acs, bp, bOff, c, cOff + ir * ldc, ldc);
            }
        }
    }

    /**
     * A full tile with A transposed in place: the six values of step p are adjacent, at
     * {@code a[aOff + p*lda + r]}; the products and their order of {@link #tile}.
     */
    private static void tileColumns(int kc, float[] a, int aOff, int lda, float[] bp, int bOff,
                                    float[] c, int cOff, int ldc) {
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
        if (bOff + kc * NR > bp.length || aOff + (long) (kc - 1) * lda + MR > a.length) {
            throw new IllegalArgumentException("gemm tile: columns or panel out of range");
        }
        for (int p = 0, bi = bOff, ai = aOff; p < kc; p++, bi += NR, ai += lda) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        FloatVector.fromArray(S, c, cOff).add(c00).intoArray(c, cOff);
        FloatVector.fromArray(S, c, cOff + L).add(c01).intoArray(c, cOff + L);
        FloatVector.fromArray(S, c, cOff + ldc).add(c10).intoArray(c, cOff + ldc);
        FloatVector.fromArray(S, c, cOff + ldc + L).add(c11).intoArray(c, cOff + ldc + L);
        FloatVector.fromArray(S, c, cOff + 2 * ldc).add(c20).intoArray(c, cOff + 2 * ldc);
        FloatVector.fromArray(S, c, cOff + 2 * ldc + L).add(c21).intoArray(c, cOff + 2 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 3 * ldc).add(c30).intoArray(c, cOff + 3 * ldc);
        FloatVector.fromArray(S, c, cOff + 3 * ldc + L).add(c31).intoArray(c, cOff + 3 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 4 * ldc).add(c40).intoArray(c, cOff + 4 * ldc);
        FloatVector.fromArray(S, c, cOff + 4 * ldc + L).add(c41).intoArray(c, cOff + 4 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 5 * ldc).add(c50).intoArray(c, cOff + 5 * ldc);
        FloatVector.fromArray(S, c, cOff + 5 * ldc + L).add(c51).intoArray(c, cOff + 5 * ldc + L);
    }

    /**
     * A full {@code MR x NR} tile with A read in place from six rows at stride {@code lda}: the
     * products and their order of {@link #tile}, without packing A.
     */
    private static void tileRows(int kc, float[] a, int aOff, int lda, float[] bp, int bOff,
                                 float[] c, int cOff, int ldc) {
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
        int a0 = aOff;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        if (bOff + kc * NR > bp.length || a5 + kc > a.length) {
            throw new IllegalArgumentException("gemm tile: rows or panel out of range");
        }
        for (int p = 0, bi = bOff; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        FloatVector.fromArray(S, c, cOff).add(c00).intoArray(c, cOff);
        FloatVector.fromArray(S, c, cOff + L).add(c01).intoArray(c, cOff + L);
        FloatVector.fromArray(S, c, cOff + ldc).add(c10).intoArray(c, cOff + ldc);
        FloatVector.fromArray(S, c, cOff + ldc + L).add(c11).intoArray(c, cOff + ldc + L);
        FloatVector.fromArray(S, c, cOff + 2 * ldc).add(c20).intoArray(c, cOff + 2 * ldc);
        FloatVector.fromArray(S, c, cOff + 2 * ldc + L).add(c21).intoArray(c, cOff + 2 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 3 * ldc).add(c30).intoArray(c, cOff + 3 * ldc);
        FloatVector.fromArray(S, c, cOff + 3 * ldc + L).add(c31).intoArray(c, cOff + 3 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 4 * ldc).add(c40).intoArray(c, cOff + 4 * ldc);
        FloatVector.fromArray(S, c, cOff + 4 * ldc + L).add(c41).intoArray(c, cOff + 4 * ldc + L);
        FloatVector.fromArray(S, c, cOff + 5 * ldc).add(c50).intoArray(c, cOff + 5 * ldc);
        FloatVector.fromArray(S, c, cOff + 5 * ldc + L).add(c51).intoArray(c, cOff + 5 * ldc + L);
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
            FloatVector.fromArray(S, c, ci).add(c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).add(c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ld).add(c10).intoArray(c, ci + ld);
            FloatVector.fromArray(S, c, ci + ld + L).add(c11).intoArray(c, ci + ld + L);
            FloatVector.fromArray(S, c, ci + 2 * ld).add(c20).intoArray(c, ci + 2 * ld);
            FloatVector.fromArray(S, c, ci + 2 * ld + L).add(c21).intoArray(c, ci + 2 * ld + L);
            FloatVector.fromArray(S, c, ci + 3 * ld).add(c30).intoArray(c, ci + 3 * ld);
            FloatVector.fromArray(S, c, ci + 3 * ld + L).add(c31).intoArray(c, ci + 3 * ld + L);
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
            FloatVector.fromArray(S, c, cOff + i * ld + j).add(c0).intoArray(c, cOff + i * ld + j);
            FloatVector.fromArray(S, c, cOff + i * ld + j + L).add(c1).intoArray(c, cOff + i * ld + j + L);
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
        // Four rows of B stay in L1 while every row of A streams past them, four rows at a time
        // with 16 lanes (8 loads feed 16 FMAs), else two (6 loads, 8 FMAs). Each dot product is
        // the same sequence of vector FMAs, lane reduction and scalar tail whichever block
        // computes it, so results do not depend on m.
        float[] sums = new float[2 * L];
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int i = 0;
            if (SIXTEEN_SUMS) {
                for (; i + 4 <= m; i += 4) {
                    dot4x4(k, a, aOff + i * k, b, bOff + j * k, c, cOff + i * ldc + j, ldc, sums);
                }
            }
            for (; i + 2 <= m; i += 2) {
                dot2x4(k, a, aOff + i * k, b, bOff + j * k, c, cOff + i * ldc + j, ldc, sums);
            }
            for (; i < m; i++) {
                if (MERGED_SUMS) {
                    dot1x4(k, a, aOff + i * k, b, bOff + j * k, c, cOff + i * ldc + j, sums);
                } else {
                    for (int jj = j; jj < j + 4; jj++) {
                        c[cOff + i * ldc + jj] += dot(k, a, aOff + i * k, b, bOff + jj * k);
                    }
                }
            }
        }
        for (; j < n; j++) {
            for (int i = 0; i < m; i++) {
                c[cOff + i * ldc + j] += dot(k, a, aOff + i * k, b, bOff + j * k);
            }
        }
    }

    /**
     * Adds the 4 x 4 dot products of rows {@code a0 + r*k} of A with rows {@code b0 + j*k} of B
     * into {@code c[ci + r*ldc + j]} (16 lanes only; {@code sums} holds 32 floats). The lane sums of
     * rows 0-1 and of rows 2-3 are merged as in {@link #dot2x4}, each into one vector. The merges
     * are written out with the Vector API's own calls: this method passes C2's
     * NodeCountInliningCutoff before its end, and a helper of ours called there would not be
     * inlined (see the class comment). One network of four levels into a single vector was tried
     * first: in some JVMs C2 left its last blend and rearrange as calls, at half the speed.
     */
    private static void dot4x4(int k, float[] a, int a0, float[] b, int b0, float[] c, int ci, int ldc,
                               float[] sums) {
        int kv = k - k % L;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int b1 = b0 + k;
        int b2 = b1 + k;
        int b3 = b2 + k;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s22 = s00;
        FloatVector s23 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s32 = s00;
        FloatVector s33 = s00;
        for (int p = 0; p < kv; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector w = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(w, s00);
            s10 = x1.fma(w, s10);
            s20 = x2.fma(w, s20);
            s30 = x3.fma(w, s30);
            w = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(w, s01);
            s11 = x1.fma(w, s11);
            s21 = x2.fma(w, s21);
            s31 = x3.fma(w, s31);
            w = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(w, s02);
            s12 = x1.fma(w, s12);
            s22 = x2.fma(w, s22);
            s32 = x3.fma(w, s32);
            w = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(w, s03);
            s13 = x1.fma(w, s13);
            s23 = x2.fma(w, s23);
            s33 = x3.fma(w, s33);
        }
        // Rows 0 and 1, then 2 and 3, as in dot2x4: the sum of s(r, j) ends in lane
        // 16 (r >> 1) + 8 (j & 1) + 4 (j >> 1) + 2 (r & 1) of sums, and in the lane above it
        FloatVector p0 = s00.blend(s01, UPPER_1).add(s01.blend(s00, UPPER_1).rearrange(SWAP_1));
        FloatVector p1 = s02.blend(s03, UPPER_1).add(s03.blend(s02, UPPER_1).rearrange(SWAP_1));
        FloatVector p2 = s10.blend(s11, UPPER_1).add(s11.blend(s10, UPPER_1).rearrange(SWAP_1));
        FloatVector p3 = s12.blend(s13, UPPER_1).add(s13.blend(s12, UPPER_1).rearrange(SWAP_1));
        FloatVector q0 = p0.blend(p1, UPPER_2).add(p1.blend(p0, UPPER_2).rearrange(SWAP_2));
        FloatVector q1 = p2.blend(p3, UPPER_2).add(p3.blend(p2, UPPER_2).rearrange(SWAP_2));
        FloatVector t = q0.blend(q1, UPPER_3).add(q1.blend(q0, UPPER_3).rearrange(SWAP_3));
        t.add(t.rearrange(SWAP_ADJACENT)).intoArray(sums, 0);
        p0 = s20.blend(s21, UPPER_1).add(s21.blend(s20, UPPER_1).rearrange(SWAP_1));
        p1 = s22.blend(s23, UPPER_1).add(s23.blend(s22, UPPER_1).rearrange(SWAP_1));
        p2 = s30.blend(s31, UPPER_1).add(s31.blend(s30, UPPER_1).rearrange(SWAP_1));
        p3 = s32.blend(s33, UPPER_1).add(s33.blend(s32, UPPER_1).rearrange(SWAP_1));
        q0 = p0.blend(p1, UPPER_2).add(p1.blend(p0, UPPER_2).rearrange(SWAP_2));
        q1 = p2.blend(p3, UPPER_2).add(p3.blend(p2, UPPER_2).rearrange(SWAP_2));
        t = q0.blend(q1, UPPER_3).add(q1.blend(q0, UPPER_3).rearrange(SWAP_3));
        t.add(t.rearrange(SWAP_ADJACENT)).intoArray(sums, L);
        for (int r = 0, ar = a0, cr = ci; r < 4; r++, ar += k, cr += ldc) {
            int lane = 16 * (r >> 1) + 2 * (r & 1);
            c[cr] += tail(k, kv, a, ar, b, b0, sums[lane]);
            c[cr + 1] += tail(k, kv, a, ar, b, b1, sums[lane + 8]);
            c[cr + 2] += tail(k, kv, a, ar, b, b2, sums[lane + 4]);
            c[cr + 3] += tail(k, kv, a, ar, b, b3, sums[lane + 12]);
        }
    }

    /** Adds the 2 x 4 dot products of rows {@code a0, a0+k} of A with rows {@code b0..b0+3k} of B into C. */
    private static void dot2x4(int k, float[] a, int a0, float[] b, int b0, float[] c, int ci, int ldc,
                               float[] sums) {
        int kv = k - k % L;
        int a1 = a0 + k;
        int b1 = b0 + k;
        int b2 = b1 + k;
        int b3 = b2 + k;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        for (int p = 0; p < kv; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector w = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(w, s00);
            s10 = x1.fma(w, s10);
            w = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(w, s01);
            s11 = x1.fma(w, s11);
            w = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(w, s02);
            s12 = x1.fma(w, s12);
            w = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(w, s03);
            s13 = x1.fma(w, s13);
        }
        if (MERGED_SUMS) {
            // Lane of accumulator s(r, j) after the merges: L/2 (j & 1) + L/4 (j >> 1) + L/8 r.
            int h = L / 2;
            int q = L / 4;
            int e = L / 8;
            // The lane sums of the eight accumulators at once, each by the same tree as sum (lane i
            // with lane i ^ L/2, then L/4, ...; float addition is commutative, so every pair adds to
            // the same float) in a quarter of its shuffles: each level merges two vectors into one
            // that holds both halves of their partial sums. Written out here rather than in a
            // helper, which would exceed the always-inlined size (see the class comment).
            FloatVector p0 = merge(s00, s01, UPPER_1, SWAP_1);
            FloatVector p1 = merge(s02, s03, UPPER_1, SWAP_1);
            FloatVector p2 = merge(s10, s11, UPPER_1, SWAP_1);
            FloatVector p3 = merge(s12, s13, UPPER_1, SWAP_1);
            FloatVector r = merge(merge(p0, p1, UPPER_2, SWAP_2), merge(p2, p3, UPPER_2, SWAP_2), UPPER_3, SWAP_3);
            (L == 16 ? r.add(r.rearrange(SWAP_ADJACENT)) : r).intoArray(sums, 0);
            c[ci] += tail(k, kv, a, a0, b, b0, sums[0]);
            c[ci + 1] += tail(k, kv, a, a0, b, b1, sums[h]);
            c[ci + 2] += tail(k, kv, a, a0, b, b2, sums[q]);
            c[ci + 3] += tail(k, kv, a, a0, b, b3, sums[h + q]);
            c[ci + ldc] += tail(k, kv, a, a1, b, b0, sums[e]);
            c[ci + ldc + 1] += tail(k, kv, a, a1, b, b1, sums[h + e]);
            c[ci + ldc + 2] += tail(k, kv, a, a1, b, b2, sums[q + e]);
            c[ci + ldc + 3] += tail(k, kv, a, a1, b, b3, sums[h + q + e]);
            return;
        }
        c[ci] += tail(k, kv, a, a0, b, b0, sum(s00));
        c[ci + 1] += tail(k, kv, a, a0, b, b1, sum(s01));
        c[ci + 2] += tail(k, kv, a, a0, b, b2, sum(s02));
        c[ci + 3] += tail(k, kv, a, a0, b, b3, sum(s03));
        c[ci + ldc] += tail(k, kv, a, a1, b, b0, sum(s10));
        c[ci + ldc + 1] += tail(k, kv, a, a1, b, b1, sum(s11));
        c[ci + ldc + 2] += tail(k, kv, a, a1, b, b2, sum(s12));
        c[ci + ldc + 3] += tail(k, kv, a, a1, b, b3, sum(s13));
    }

    /**
     * Adds the 4 dot products of row {@code a0} of A with rows {@code b0..b0+3k} of B into
     * {@code c[ci..ci+3]}: the last row of an odd count, and the whole product of a batch of one.
     * Its lane sums are merged like those of {@link #dot2x4} (two merge levels, then the last two
     * strides of the tree folded in place), so each equals {@link #dot} bit for bit.
     */
    private static void dot1x4(int k, float[] a, int a0, float[] b, int b0, float[] c, int ci, float[] sums) {
        int kv = k - k % L;
        int b1 = b0 + k;
        int b2 = b1 + k;
        int b3 = b2 + k;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0; p < kv; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        // Lane of s(j)'s sum after the merges and folds: L/2 (j & 1) + L/4 (j >> 1)
        FloatVector r = merge(merge(s0, s1, UPPER_1, SWAP_1), merge(s2, s3, UPPER_1, SWAP_1), UPPER_2, SWAP_2);
        r = fold(r, SWAP_3);
        (L == 16 ? fold(r, SWAP_ADJACENT) : r).intoArray(sums, 0);
        int h = L / 2;
        int q = L / 4;
        c[ci] += tail(k, kv, a, a0, b, b0, sums[0]);
        c[ci + 1] += tail(k, kv, a, a0, b, b1, sums[h]);
        c[ci + 2] += tail(k, kv, a, a0, b, b2, sums[q]);
        c[ci + 3] += tail(k, kv, a, a0, b, b3, sums[h + q]);
    }

    /**
     * One level of the merge network of {@link #dot2x4} at stride w: lane i becomes {@code x[i] + x[i ^ w]} where bit w
     * of i is clear and {@code y[i] + y[i ^ w]} where it is set.
     */
    private static FloatVector merge(FloatVector x, FloatVector y, VectorMask<Float> upper,
                                     VectorShuffle<Float> swap) {
        return x.blend(y, upper).add(y.blend(x, upper).rearrange(swap));
    }

    /** One dot product of length k, computed exactly as {@link #dot2x4} computes each of its eight. */
    private static float dot(int k, float[] a, int ai, float[] b, int bi) {
        int kv = k - k % L;
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), s);
        }
        return tail(k, kv, a, ai, b, bi, sum(s));
    }

    /**
     * The sum of the lanes in a fixed order: a tree of lane rotations and lanewise adds. Unlike
     * {@code reduceLanes(ADD)}, whose order is unspecified and differs between the compiled
     * intrinsic and the interpreted fallback, this gives the same float whichever runs, so results
     * do not depend on JIT state, threads or timing.
     */
    private static float sum(FloatVector v) {
        return L > 16 ? sumWide(v) : sum16(v);
    }

    // The tree of sum in steps small enough to be always inlined (see the class comment); the
    // shuffles are constants, so C2 keeps them in registers, and L is a constant too.

    /** {@link #sum} for more than 16 lanes (no x86 vector is that wide): rotations by L/2 ... 16, then {@link #sum16}. */
    private static float sumWide(FloatVector v) {
        FloatVector t = v;
        for (int i = 0; i < HALVES.size() - 4; i++) {
            t = fold(t, HALVES.get(i));
        }
        return sum16(t);
    }

    private static float sum16(FloatVector t) {
        return sum8(L >= 16 ? fold(t, ROTATE_8) : t);
    }

    private static float sum8(FloatVector t) {
        return sum4(L >= 8 ? fold(t, ROTATE_4) : t);
    }

    private static float sum4(FloatVector t) {
        return sum2(L >= 4 ? fold(t, ROTATE_2) : t);
    }

    private static float sum2(FloatVector t) {
        return (L >= 2 ? fold(t, ROTATE_1) : t).lane(0);
    }

    /** Lane i plus lane {@code shuffle(i)}. */
    private static FloatVector fold(FloatVector t, VectorShuffle<Float> shuffle) {
        return t.add(t.rearrange(shuffle));
    }

    /** Adds the products past the last full vector to a reduced partial sum. */
    private static float tail(int k, int kv, float[] a, int ai, float[] b, int bi, float sum) {
        float t = sum;
        for (int p = kv; p < k; p++) {
            t = Math.fma(a[ai + p], b[bi + p], t);
        }
        return t;
    }
}
