package dev.grad4j.tensor;

/**
 * Scaled dot-product attention of one (batch, head) pair: scores {@code q kᵀ · scale} computed in
 * blocks of query rows by {@link Gemm} (k read row-wise, no transpose materialised; a causal block
 * computes only the key columns its rows can see), a stable softmax that leaves masked entries
 * exactly 0, then {@code P v}. The backward rebuilds the gradients from the saved probabilities.
 *
 * <p>Layout of pair {@code p}: q at {@code p*T*D}, k at {@code p*S*D}, v at {@code p*S*Dv}, output
 * at {@code p*T*Dv}, probabilities at {@code p*T*S}. A query row whose keys are all masked gets
 * probabilities 0, hence output 0 and gradient 0.
 */
final class AttentionKernels {

    /** Query rows whose scores are computed by one GEMM call. */
    static final int ROW_BLOCK = 32;

    private AttentionKernels() {
    }

    /** The dimensions and options of one attention call. */
    record Dims(int t, int s, int d, int dv, float scale, boolean causal) {
    }

    /**
     * The forward of pair {@code p}. {@code mask} (or null) is read at
     * {@code maskOff + t*maskTStride + s*maskSStride}; nonzero means not attended.
     * {@code scratch} holds at least {@code ROW_BLOCK * S} floats. Modifies {@code out},
     * {@code probs} (which must be zero on entry) and {@code scratch}.
     */
    static void forward(Dims dm, int p, float[] q, float[] k, float[] v, float[] out, float[] probs,
                        int[] mask, int maskOff, int maskTStride, int maskSStride, float[] scratch) {
        forwardAt(dm, q, p * dm.t() * dm.d(), k, p * dm.s() * dm.d(), v, p * dm.s() * dm.dv(), out,
                p * dm.t() * dm.dv(), probs, p * dm.t() * dm.s(), mask, maskOff, maskTStride, maskSStride, scratch);
    }

    /** {@link #forward} with explicit offsets of q, k, v, the output and the probabilities. */
    static void forwardAt(Dims dm, float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] out, int oo,
                          float[] probs, int po, int[] mask, int maskOff, int maskTStride, int maskSStride,
                          float[] scratch) {
        int tt = dm.t();
        int ss = dm.s();
        for (int t0 = 0; t0 < tt; t0 += ROW_BLOCK) {
            int t1 = Math.min(tt, t0 + ROW_BLOCK);
            int n = dm.causal() ? Math.min(ss, t1) : ss;
            Gemm.gemm(false, true, t1 - t0, n, dm.d(), q, qo + t0 * dm.d(), k, ko, scratch, 0, false);
            for (int t = t0; t < t1; t++) {
                int lim = dm.causal() ? Math.min(ss, t + 1) : ss;
                int src = (t - t0) * n;
                int dst = po + t * ss;
                int mrow = maskOff + t * maskTStride;
                float max = Float.NEGATIVE_INFINITY;
                boolean any = false;
                for (int s = 0; s < lim; s++) {
                    if (mask != null && mask[mrow + s * maskSStride] != 0) {
                        continue;
                    }
                    float z = scratch[src + s] * dm.scale();
                    scratch[src + s] = z;
                    any = true;
                    if (z > max) {
                        max = z;
                    }
                }
                if (!any) {
                    continue; // fully masked row: probabilities stay 0
                }
                double sum = 0;
                for (int s = 0; s < lim; s++) {
                    if (mask != null && mask[mrow + s * maskSStride] != 0) {
                        continue;
                    }
                    double e = Math.exp((double) scratch[src + s] - max);
                    scratch[src + s] = (float) e;
                    sum += e;
                }
                double inv = 1.0 / sum;
                for (int s = 0; s < lim; s++) {
                    if (mask != null && mask[mrow + s * maskSStride] != 0) {
                        continue;
                    }
                    probs[dst + s] = (float) (scratch[src + s] * inv);
                }
            }
        }
        Gemm.gemm(false, false, tt, dm.dv(), ss, probs, po, v, vo, out, oo, false);
    }

    /**
     * The backward of pair {@code p} given the output gradient {@code g}: {@code dV = Pᵀ dO},
     * {@code dP = dO Vᵀ}, {@code dS = P (dP - rowsum(dP P)) scale}, {@code dQ = dS K},
     * {@code dK = dSᵀ Q}. Any of {@code dq, dk, dv} may be null (not needed). {@code scratch}
     * holds at least {@code T * S} floats. Modifies {@code dq}, {@code dk}, {@code dv} and {@code scratch}.
     */
    static void backward(Dims dm, int p, float[] g, float[] q, float[] k, float[] v, float[] probs,
                         float[] dq, float[] dk, float[] dv, float[] scratch) {
        backwardAt(dm, g, p * dm.t() * dm.dv(), q, p * dm.t() * dm.d(), k, p * dm.s() * dm.d(), v,
                p * dm.s() * dm.dv(), probs, p * dm.t() * dm.s(), dq, dk, dv, scratch);
    }

    /**
     * {@link #backward} with explicit offsets; the gradients are written at the offsets of q, k
     * and v in {@code dq}, {@code dk}, {@code dv}.
     */
    static void backwardAt(Dims dm, float[] g, int go, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                           float[] probs, int po, float[] dq, float[] dk, float[] dv, float[] scratch) {
        int tt = dm.t();
        int ss = dm.s();
        if (dv != null) {
            Gemm.gemm(true, false, ss, dm.dv(), tt, probs, po, g, go, dv, vo, false);
        }
        if (dq == null && dk == null) {
            return;
        }
        Gemm.gemm(false, true, tt, ss, dm.dv(), g, go, v, vo, scratch, 0, false);
        for (int t = 0; t < tt; t++) {
            int row = t * ss;
            double dot = 0;
            for (int s = 0; s < ss; s++) {
                dot += (double) scratch[row + s] * probs[po + row + s];
            }
            float fdot = (float) dot;
            for (int s = 0; s < ss; s++) {
                float pv = probs[po + row + s];
                scratch[row + s] = pv == 0f ? 0f : pv * (scratch[row + s] - fdot) * dm.scale();
            }
        }
        if (dq != null) {
            Gemm.gemm(false, false, tt, dm.d(), ss, scratch, 0, k, ko, dq, qo, false);
        }
        if (dk != null) {
            Gemm.gemm(true, false, ss, dm.d(), tt, scratch, 0, q, qo, dk, ko, false);
        }
    }

    /**
     * Incremental causal attention of batch {@code b}, head {@code hh}: copies the head's new keys
     * and values from the packed projection {@code x [B, Tn, 3E]} into the caches
     * {@code [B, H, Tmax, hd]} at {@code [len, len + Tn)}, then writes the attention of each new
     * query over the cached keys up to its own position into {@code out [B, Tn, E]}.
     * {@code scores} holds at least {@code len + Tn} doubles.
     */
    static void cachedStep(float[] x, float[] kc, float[] vc, float[] out, int b, int hh, int h, int hd, int tn,
                           int tmax, int len, float scale, double[] scores) {
        int e = h * hd;
        int cOff = (b * h + hh) * tmax * hd;
        for (int i = 0; i < tn; i++) {
            int src = (b * tn + i) * 3 * e + hh * hd;
            System.arraycopy(x, src + e, kc, cOff + (len + i) * hd, hd);
            System.arraycopy(x, src + 2 * e, vc, cOff + (len + i) * hd, hd);
        }
        for (int i = 0; i < tn; i++) {
            int qo = (b * tn + i) * 3 * e + hh * hd;
            int n = len + i + 1;
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < n; s++) {
                int ko = cOff + s * hd;
                float dot = 0f;
                for (int d = 0; d < hd; d++) {
                    dot += x[qo + d] * kc[ko + d];
                }
                float z = dot * scale;
                scores[s] = z;
                if (z > max) {
                    max = z;
                }
            }
            double sum = 0;
            for (int s = 0; s < n; s++) {
                double ex = Math.exp(scores[s] - max);
                scores[s] = ex;
                sum += ex;
            }
            double inv = 1.0 / sum;
            int oo = (b * tn + i) * e + hh * hd;
            for (int s = 0; s < n; s++) {
                float pr = (float) (scores[s] * inv);
                int vo = cOff + s * hd;
                for (int d = 0; d < hd; d++) {
                    out[oo + d] += pr * vc[vo + d];
                }
            }
        }
    }

    /**
     * Forward of pair {@code p = b*H + h} of self-attention over the packed projection
     * {@code x [B, T, 3E]}: gathers the head's q, k, v (each {@code [T, hd]}) into
     * {@code work} (at least {@code 4*T*hd} floats), runs {@link #forwardAt} (with {@code scratch}
     * of at least {@code ROW_BLOCK*T} floats) and scatters the head's output into columns
     * {@code h*hd} of {@code out [B, T, E]}; the probabilities go to {@code probs} at {@code p*T*T}.
     */
    static void packedForward(Dims dm, int heads, int p, float[] x, float[] out, float[] probs, float[] work,
                              float[] scratch) {
        int t = dm.t();
        int hd = dm.d();
        int e = heads * hd;
        int b = p / heads;
        int h = p % heads;
        int n = t * hd;
        gatherHead(x, b, h, t, e, hd, work);
        forwardAt(dm, work, 0, work, n, work, 2 * n, work, 3 * n, probs, p * t * t, null, 0, 0, 0, scratch);
        for (int i = 0; i < t; i++) {
            System.arraycopy(work, 3 * n + i * hd, out, (b * t + i) * e + h * hd, hd);
        }
    }

    /**
     * Backward of {@link #packedForward} for pair {@code p}: gathers the head's q, k, v and output
     * gradient, runs {@link #backwardAt} and scatters dq, dk, dv into {@code dx [B, T, 3E]}.
     * {@code work} holds at least {@code 7*T*hd + T*T} floats.
     */
    static void packedBackward(Dims dm, int heads, int p, float[] g, float[] x, float[] probs, float[] dx,
                               float[] work) {
        int t = dm.t();
        int hd = dm.d();
        int e = heads * hd;
        int b = p / heads;
        int h = p % heads;
        int n = t * hd;
        gatherHead(x, b, h, t, e, hd, work);
        for (int i = 0; i < t; i++) {
            System.arraycopy(g, (b * t + i) * e + h * hd, work, 3 * n + i * hd, hd);
        }
        // dq, dk, dv at 4n, 5n, 6n: the offsets of q, k, v shifted by 4n
        backwardAtShifted(dm, work, n, probs, p * t * t, work, 7 * n);
        for (int i = 0; i < t; i++) {
            int dst = (b * t + i) * 3 * e + h * hd;
            System.arraycopy(work, 4 * n + i * hd, dx, dst, hd);
            System.arraycopy(work, 5 * n + i * hd, dx, dst + e, hd);
            System.arraycopy(work, 6 * n + i * hd, dx, dst + 2 * e, hd);
        }
    }

    /** Copies head h's q, k and v rows of batch b from {@code x [B, T, 3E]} to {@code work} at 0, T*hd, 2*T*hd. */
    private static void gatherHead(float[] x, int b, int h, int t, int e, int hd, float[] work) {
        int n = t * hd;
        for (int i = 0; i < t; i++) {
            int src = (b * t + i) * 3 * e + h * hd;
            System.arraycopy(x, src, work, i * hd, hd);
            System.arraycopy(x, src + e, work, n + i * hd, hd);
            System.arraycopy(x, src + 2 * e, work, 2 * n + i * hd, hd);
        }
    }

    /** The backward of a gathered head: q, k, v, g at 0, n, 2n, 3n of {@code w}; dq, dk, dv to 4n, 5n, 6n. */
    private static void backwardAtShifted(Dims dm, float[] w, int n, float[] probs, int po, float[] scratchArr,
                                          int scratchOff) {
        int tt = dm.t();
        int ss = dm.s();
        Gemm.gemm(true, false, ss, dm.dv(), tt, probs, po, w, 3 * n, w, 6 * n, false);
        Gemm.gemm(false, true, tt, ss, dm.dv(), w, 3 * n, w, 2 * n, scratchArr, scratchOff, false);
        softmaxBackwardRows(dm, probs, po, scratchArr, scratchOff);
        Gemm.gemm(false, false, tt, dm.d(), ss, scratchArr, scratchOff, w, n, w, 4 * n, false);
        Gemm.gemm(true, false, ss, dm.d(), tt, scratchArr, scratchOff, w, 0, w, 5 * n, false);
    }

    /** {@code dS = P (dP - rowsum(dP P)) scale} in place of dP at {@code off}. */
    private static void softmaxBackwardRows(Dims dm, float[] probs, int po, float[] dp, int off) {
        int tt = dm.t();
        int ss = dm.s();
        for (int t = 0; t < tt; t++) {
            int row = t * ss;
            int lim = dm.causal() ? Math.min(ss, t + 1) : ss;
            double dot = 0;
            for (int s = 0; s < lim; s++) {
                dot += (double) dp[off + row + s] * probs[po + row + s];
            }
            float fdot = (float) dot;
            for (int s = 0; s < ss; s++) {
                float pv = probs[po + row + s];
                dp[off + row + s] = pv == 0f ? 0f : pv * (dp[off + row + s] - fdot) * dm.scale();
            }
        }
    }
}
