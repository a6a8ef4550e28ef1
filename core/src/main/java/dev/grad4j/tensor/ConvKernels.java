package dev.grad4j.tensor;

import java.util.Arrays;

/**
 * Convolution (PyTorch's cross-correlation) forward and backward by im2col and the packed
 * {@link Gemm}. A 1-D convolution is the 2-D one with {@code H = 1}, so there is one kernel.
 *
 * <p>For sample n and group g the patches of the group's input channels are unfolded into a column
 * matrix {@code col [K, P]}, {@code K = C/groups * kh * kw}, {@code P = Ho * Wo}, row
 * {@code (c, i, j)} holding {@code x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]} (0 outside). The
 * rows of group g are rows {@code [g K, (g+1) K)} of the whole sample's unfolding, so each sample is
 * unfolded once. Then
 *
 * <pre>
 * y_g  = W_g · col_g             forward, [O/groups, P]
 * dcol = W_gᵀ · dy_g             backward for the input, then folded back (col2im, scatter-add)
 * dW_g = Σ_n dy_g[n] · col_g[n]ᵀ  backward for the weight
 * </pre>
 *
 * <p>A 1x1 kernel with stride 1 and no padding needs no unfolding: the input itself is the column
 * matrix. Forward and the input gradient split the samples between the kernel threads (each
 * sample's output owned by one thread). The weight gradient unfolds chunks of samples side by side,
 * {@code [C kh kw, c P]}, and runs one GEMM per chunk and group; the chunk size depends on the
 * shapes only, so the summation order, and the result, is the same for any thread count.
 */
final class ConvKernels {

    /** Below this many multiply-adds a call runs on one thread (GEMMs inside may still split). */
    private static final long PARALLEL_MIN_FMAS = 1L << 18;
    /** Floats of unfolded columns plus gradient rows per weight-gradient chunk (about; see backwardWeight). */
    private static final int CHUNK_FLOATS = 1 << 18;
    /** Scratch buffers up to this many floats are kept per thread between calls. */
    private static final int SCRATCH_KEEP = 1 << 20;
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private ConvKernels() {
    }

    /**
     * The validated geometry of one convolution, as 2-D ({@code h = kh = 1}, {@code sh = dh = 1},
     * {@code ph = 0} for a 1-D one).
     */
    static final class Geometry {
        final int n;
        final int c;
        final int h;
        final int w;
        final int o;
        final int kh;
        final int kw;
        final int sh;
        final int sw;
        final int ph;
        final int pw;
        final int dh;
        final int dw;
        final int groups;
        final int ho;
        final int wo;
        /** Rows of one group's column matrix: {@code C/groups * kh * kw}. */
        final int k;
        /** Output positions per channel: {@code ho * wo}. */
        final int p;
        /** Output channels per group. */
        final int og;
        /** 1x1 kernel, stride 1, no padding: the input is its own column matrix. */
        final boolean pointwise;
        /** The output shape: {@code [N, O, Ho, Wo]} or {@code [N, O, Lo]}. */
        final Shape outShape;

        Geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
                 int dh, int dw, int groups, boolean oneD) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.o = o;
            this.kh = kh;
            this.kw = kw;
            this.sh = sh;
            this.sw = sw;
            this.ph = ph;
            this.pw = pw;
            this.dh = dh;
            this.dw = dw;
            this.groups = groups;
            this.ho = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
            this.wo = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
            this.k = c / groups * kh * kw;
            this.p = ho * wo;
            this.og = o / groups;
            this.pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
            this.outShape = oneD ? Shape.of(n, o, wo) : Shape.of(n, o, ho, wo);
        }

        int inSize() {
            return c * h * w;
        }

        long fmas() {
            return (long) n * o * k * p;
        }
    }

    // ---- forward ------------------------------------------------------------------------------

    /** Writes the convolution of {@code x} with {@code wt} (plus {@code bias}, may be null) into {@code y}. */
    static void forward(Geometry g, float[] x, float[] wt, float[] bias, float[] y) {
        int parts = parts(g);
        KernelPool.run(parts, part -> {
            int n0 = split(g.n, parts, part);
            int n1 = split(g.n, parts, part + 1);
            float[] col = g.pointwise || n0 == n1 ? null : scratch(colSize(g.groups * g.k, 1, g.p));
            for (int s = n0; s < n1; s++) {
                forwardSample(g, x, wt, bias, y, s, col);
            }
            release(col);
        });
    }

    private static void forwardSample(Geometry g, float[] x, float[] wt, float[] bias, float[] y, int s,
                                      float[] col) {
        int yOff = s * g.o * g.p;
        if (bias != null) {
            for (int oc = 0; oc < g.o; oc++) {
                Arrays.fill(y, yOff + oc * g.p, yOff + (oc + 1) * g.p, bias[oc]);
            }
        }
        float[] src = x;
        int srcOff = s * g.inSize();
        if (!g.pointwise) {
            im2col(g, x, srcOff, col, 0, g.p);
            src = col;
            srcOff = 0;
        }
        for (int grp = 0; grp < g.groups; grp++) {
            Gemm.gemm(false, false, g.og, g.p, g.k, wt, grp * g.og * g.k, src, srcOff + grp * g.k * g.p,
                    y, yOff + grp * g.og * g.p, bias != null);
        }
    }

    // ---- backward -----------------------------------------------------------------------------

    /** Writes the gradient of the input, given the output gradient {@code dy}, into {@code dx} (zeros). */
    static void backwardInput(Geometry g, float[] dy, float[] wt, float[] dx) {
        int parts = parts(g);
        KernelPool.run(parts, part -> {
            int n0 = split(g.n, parts, part);
            int n1 = split(g.n, parts, part + 1);
            float[] col = g.pointwise || n0 == n1 ? null : scratch(colSize(g.groups * g.k, 1, g.p));
            for (int s = n0; s < n1; s++) {
                int dyOff = s * g.o * g.p;
                int dxOff = s * g.inSize();
                if (g.pointwise) {
                    for (int grp = 0; grp < g.groups; grp++) {
                        Gemm.gemm(true, false, g.k, g.p, g.og, wt, grp * g.og * g.k, dy, dyOff + grp * g.og * g.p,
                                dx, dxOff + grp * g.k * g.p, false);
                    }
                } else {
                    for (int grp = 0; grp < g.groups; grp++) {
                        Gemm.gemm(true, false, g.k, g.p, g.og, wt, grp * g.og * g.k, dy, dyOff + grp * g.og * g.p,
                                col, grp * g.k * g.p, false);
                    }
                    col2im(g, col, 0, g.p, dx, dxOff);
                }
            }
            release(col);
        });
    }

    /** Writes the gradient of the weight {@code [O, C/groups, kh, kw]} into {@code dw} (zeros). */
    static void backwardWeight(Geometry g, float[] dy, float[] x, float[] dw) {
        if (g.n == 0) {
            return;
        }
        int rows = g.groups * g.k; // C kh kw
        int chunk = (int) Math.max(1, Math.min(g.n, CHUNK_FLOATS / Math.max(1L, (long) (rows + g.o) * g.p)));
        if (chunk > 1 && chunk % 2 == 1 && chunk < g.n) {
            // An even number of samples, which two threads unfold half each (3 left one waiting
            // for the other's second sample); from the shapes only, like the size itself
            chunk++;
        }
        boolean direct = chunk == 1 && g.pointwise; // x and dy are the matrices themselves
        float[] cols = direct ? null : new float[colSize(rows, chunk, g.p)];
        float[] dys = chunk == 1 ? null : new float[colSize(g.o, chunk, g.p)];
        // With more unfolded rows than output channels (3x3 kernels over 32 channels: 288 against
        // 64), dWᵀ = cols · dyᵀ packs the smaller operand, dy, where dW = dy · colsᵀ packed all
        // of cols (the packing took more time than the product); transposed at the end
        float[] dwT = g.k > g.og ? new float[dw.length] : null;
        for (int n0 = 0; n0 < g.n; n0 += chunk) {
            int cn = Math.min(chunk, g.n - n0);
            int ld = cn * g.p;
            int first = n0;
            int parts = (long) rows * ld >= PARALLEL_MIN_FMAS / 16 ? Math.min(KernelPool.THREADS, cn) : 1;
            if (!direct) {
                KernelPool.run(parts, part -> {
                    for (int j = split(cn, parts, part); j < split(cn, parts, part + 1); j++) {
                        int s = first + j;
                        im2col(g, x, s * g.inSize(), cols, j * g.p, ld);
                        if (dys != null) {
                            for (int oc = 0; oc < g.o; oc++) {
                                System.arraycopy(dy, (s * g.o + oc) * g.p, dys, oc * ld + j * g.p, g.p);
                            }
                        }
                    }
                });
            }
            float[] a = dys != null ? dys : dy;
            int aOff = dys != null ? 0 : n0 * g.o * g.p;
            float[] b = direct ? x : cols;
            int bOff = direct ? n0 * g.inSize() : 0;
            for (int grp = 0; grp < g.groups; grp++) {
                if (dwT != null) {
                    Gemm.gemm(false, true, g.k, g.og, ld, b, bOff + grp * g.k * ld, a, aOff + grp * g.og * ld,
                            dwT, grp * g.og * g.k, true);
                } else {
                    Gemm.gemm(false, true, g.og, g.k, ld, a, aOff + grp * g.og * ld, b, bOff + grp * g.k * ld,
                            dw, grp * g.og * g.k, true);
                }
            }
        }
        if (dwT != null) { // group g's [k, og] block into its [og, k] block of dw
            for (int grp = 0; grp < g.groups; grp++) {
                int base = grp * g.og * g.k;
                for (int r = 0; r < g.k; r++) {
                    for (int oc = 0; oc < g.og; oc++) {
                        dw[base + oc * g.k + r] = dwT[base + r * g.og + oc];
                    }
                }
            }
        }
    }

    /**
     * Sums {@code dy [N, O, P]} over samples and positions into {@code db [O]} for the channels
     * {@code [from, to)}: each row of P in eight float lanes (independent chains the JIT can
     * pipeline), lanes and rows added in double, always in the same order.
     */
    static void backwardBias(float[] dy, int n, int o, int p, int from, int to, float[] db) {
        for (int oc = from; oc < to; oc++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                int off = (i * o + oc) * p;
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
                int q = 0;
                for (; q + 8 <= p; q += 8) {
                    a0 += dy[off + q];
                    a1 += dy[off + q + 1];
                    a2 += dy[off + q + 2];
                    a3 += dy[off + q + 3];
                    a4 += dy[off + q + 4];
                    a5 += dy[off + q + 5];
                    a6 += dy[off + q + 6];
                    a7 += dy[off + q + 7];
                }
                for (; q < p; q++) {
                    a0 += dy[off + q];
                }
                s += ((double) a0 + a1) + ((double) a2 + a3) + (((double) a4 + a5) + ((double) a6 + a7));
            }
            db[oc] = (float) s;
        }
    }

    // ---- unfolding ----------------------------------------------------------------------------

    /**
     * Unfolds the patches of one sample ({@code x} from {@code xOff}, {@code [C, H, W]}) into
     * {@code col}: row {@code (c, i, j)} at {@code colOff + row * ld}, {@code P} columns.
     */
    static void im2col(Geometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
        int hw = g.h * g.w;
        int row = 0;
        for (int ch = 0; ch < g.c; ch++) {
            int xc = xOff + ch * hw;
            for (int i = 0; i < g.kh; i++) {
                int ihBase = i * g.dh - g.ph;
                for (int j = 0; j < g.kw; j++, row++) {
                    int iwBase = j * g.dw - g.pw;
                    int lo = firstValid(iwBase, g.sw, g.wo);
                    int hi = Math.max(lo, endValid(iwBase, g.sw, g.w, g.wo));
                    int dst = colOff + row * ld;
                    if (sameWidth(g)) {
                        shiftedPlane(g, x, xc + ihBase * g.w + iwBase, col, dst, ihBase, lo, hi);
                        continue;
                    }
                    for (int oh = 0; oh < g.ho; oh++, dst += g.wo) {
                        int ih = oh * g.sh + ihBase;
                        if (ih < 0 || ih >= g.h) {
                            Arrays.fill(col, dst, dst + g.wo, 0f);
                            continue;
                        }
                        if (lo > 0) {
                            Arrays.fill(col, dst, dst + lo, 0f);
                        }
                        int src = xc + ih * g.w + iwBase;
                        if (g.sw == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo, si = src + lo * g.sw; ow < hi; ow++, si += g.sw) {
                                col[dst + ow] = x[si];
                            }
                        }
                        if (hi < g.wo) {
                            Arrays.fill(col, dst + hi, dst + g.wo, 0f);
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether the output rows are as wide as the input rows and both strides are 1 (a "same"
     * convolution, the common case): then a row of the unfolding is the input plane shifted by a
     * constant offset, with the rows and columns that fall outside it zero.
     */
    private static boolean sameWidth(Geometry g) {
        return g.sw == 1 && g.sh == 1 && g.wo == g.w;
    }

    /**
     * One unfolded row for {@link #sameWidth} geometry: element {@code (oh, ow)} at
     * {@code dst + oh * wo + ow} is {@code x[shift + oh * wo + ow]} for valid rows and for columns
     * {@code [lo, hi)}, else 0; one copy of the valid span, then the zeros around it.
     */
    private static void shiftedPlane(Geometry g, float[] x, int shift, float[] col, int dst, int ihBase,
                                     int lo, int hi) {
        int wo = g.wo;
        int r0 = firstValid(ihBase, g.sh, g.ho); // the output rows whose input row lies inside the plane
        int r1 = Math.max(r0, endValid(ihBase, g.sh, g.h, g.ho));
        if (r0 >= r1 || lo >= hi) {
            Arrays.fill(col, dst, dst + g.ho * wo, 0f);
            return;
        }
        int from = r0 * wo + lo; // the span starts and ends inside the plane: row r0 from lo, row r1-1 to hi
        int to = (r1 - 1) * wo + hi;
        System.arraycopy(x, shift + from, col, dst + from, to - from);
        Arrays.fill(col, dst, dst + from, 0f);
        Arrays.fill(col, dst + to, dst + g.ho * wo, 0f);
        if (lo > 0 || hi < wo) { // the columns outside [lo, hi), which the span wrapped into
            for (int oh = r0; oh < r1; oh++) {
                int d = dst + oh * wo;
                for (int ow = oh == r0 ? lo : 0; ow < lo; ow++) {
                    col[d + ow] = 0f;
                }
                for (int ow = hi, end = oh == r1 - 1 ? hi : wo; ow < end; ow++) {
                    col[d + ow] = 0f;
                }
            }
        }
    }

    /**
     * The adjoint of {@link #shiftedPlane}: adds the valid elements of one unfolded row onto the
     * input gradient, {@code dx[shift + t] += col[src + t]}, in one pass over the valid span. The
     * columns outside {@code [lo, hi)} inside the span are set to 0 in {@code col} first (a scratch
     * buffer), so that the pass adds nothing there ({@code dx} never holds -0.0, so adding 0 leaves
     * it unchanged).
     */
    private static void addShiftedPlane(Geometry g, float[] col, int src, float[] dx, int shift, int ihBase,
                                        int lo, int hi) {
        int wo = g.wo;
        int r0 = firstValid(ihBase, g.sh, g.ho); // the output rows whose input row lies inside the plane
        int r1 = Math.max(r0, endValid(ihBase, g.sh, g.h, g.ho));
        if (r0 >= r1 || lo >= hi) {
            return;
        }
        int from = r0 * wo + lo;
        int to = (r1 - 1) * wo + hi;
        if (lo > 0 || hi < wo) {
            for (int oh = r0; oh < r1 - 1; oh++) { // the wrapped columns between row oh's hi and row oh+1's lo
                Arrays.fill(col, src + oh * wo + hi, src + (oh + 1) * wo + lo, 0f);
            }
        }
        for (int t = from; t < to; t++) {
            dx[shift + t] += col[src + t];
        }
    }

    /** Adds the columns back onto the sample's input gradient: the adjoint of {@link #im2col}. */
    static void col2im(Geometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        int hw = g.h * g.w;
        int row = 0;
        for (int ch = 0; ch < g.c; ch++) {
            int xc = dxOff + ch * hw;
            for (int i = 0; i < g.kh; i++) {
                int ihBase = i * g.dh - g.ph;
                for (int j = 0; j < g.kw; j++, row++) {
                    int iwBase = j * g.dw - g.pw;
                    int lo = firstValid(iwBase, g.sw, g.wo);
                    int hi = Math.max(lo, endValid(iwBase, g.sw, g.w, g.wo));
                    int srcRow = colOff + row * ld;
                    if (sameWidth(g)) {
                        addShiftedPlane(g, col, srcRow, dx, xc + ihBase * g.w + iwBase, ihBase, lo, hi);
                        continue;
                    }
                    for (int oh = 0; oh < g.ho; oh++) {
                        int ih = oh * g.sh + ihBase;
                        if (ih < 0 || ih >= g.h) {
                            continue;
                        }
                        int s = srcRow + oh * g.wo;
                        int d = xc + ih * g.w + iwBase;
                        if (g.sw == 1) {
                            for (int ow = lo; ow < hi; ow++) {
                                dx[d + ow] += col[s + ow];
                            }
                        } else {
                            for (int ow = lo, di = d + lo * g.sw; ow < hi; ow++, di += g.sw) {
                                dx[di] += col[s + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first output column whose input column {@code ow*stride + base} is {@code >= 0}. */
    private static int firstValid(int base, int stride, int outSize) {
        if (base >= 0) {
            return 0;
        }
        return Math.min(outSize, (-base + stride - 1) / stride);
    }

    /** One past the last output column whose input column {@code ow*stride + base} is {@code < size}. */
    private static int endValid(int base, int stride, int size, int outSize) {
        int last = size - 1 - base; // ow*stride <= last
        if (last < 0) {
            return 0;
        }
        return Math.min(outSize, last / stride + 1);
    }

    // ---- threads and scratch ------------------------------------------------------------------

    private static int parts(Geometry g) {
        return g.fmas() >= PARALLEL_MIN_FMAS ? Math.min(KernelPool.THREADS, g.n) : 1;
    }

    /** Start of part {@code part} of {@code total} samples split in {@code parts}. */
    private static int split(int total, int parts, int part) {
        return (int) ((long) total * part / parts);
    }

    /**
     * The size of an unfolded (im2col) buffer of {@code rows} x {@code samples * positions}, checked
     * through {@link Shape#size}: an input too large to unfold fails with a message, not a negative size.
     */
    private static int colSize(int rows, int samples, int positions) {
        try {
            return Shape.size("conv", rows, samples, positions);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("conv: the unfolded input of " + rows + " rows (channels x kernel) by "
                    + samples + " x " + positions + " output positions holds more than " + Shape.MAX_SIZE
                    + " elements", e);
        }
    }

    /** A buffer of at least {@code size} floats for this thread; contents undefined. */
    private static float[] scratch(int size) {
        float[] b = SCRATCH.get();
        if (b != null && b.length >= size) {
            SCRATCH.remove(); // taken: a nested call on this thread gets its own
            return b;
        }
        return new float[size];
    }

    /** Returns a buffer from {@link #scratch} for reuse by this thread, if it is small enough to keep. */
    private static void release(float[] b) {
        if (b != null && b.length <= SCRATCH_KEEP) {
            float[] kept = SCRATCH.get();
            if (kept == null || kept.length < b.length) {
                SCRATCH.set(b);
            }
        }
    }
}
