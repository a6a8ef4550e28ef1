package dev.grad4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused self-attention over the packed projection with the Vector API: each (batch, head) pair is
 * read in place from {@code x [B, T, 3E]} (row stride 3E, no gather), the scores of a query row
 * are built as sums of rows of a transposed key block, the softmax runs in float with
 * {@link FloatFunctions#exp} lane by lane, and every product ({@code P v}, {@code dS k},
 * {@code dSᵀ q}, {@code Pᵀ dO}) is a weighted sum of head rows kept in registers. A causal row
 * touches only the keys it can see. Sums run in several independent accumulators, so the rounding
 * differs from {@link PackedAttentionKernels} by float reassociation only.
 */
final class VectorPackedAttentionKernels extends PackedAttentionKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static int padded(int t) {
        return (t + L - 1) / L * L;
    }

    @Override
    void forward(AttentionKernels.Dims dm, int heads, int p0, int p1, float[] x, float[] out, float[] probs) {
        int tp = padded(dm.t());
        float[] kT = new float[dm.d() * tp];
        float[] row = new float[tp];
        for (int p = p0; p < p1; p++) {
            forwardPair(dm, heads, p, x, out, probs, kT, tp, row);
        }
    }

    private static void forwardPair(AttentionKernels.Dims dm, int heads, int p, float[] x, float[] out,
                                    float[] probs, float[] kT, int tp, float[] row) {
        int t = dm.t();
        int hd = dm.d();
        int e = heads * hd;
        int stride = 3 * e;
        int b = p / heads;
        int base = b * t * stride + (p % heads) * hd; // q of row 0; k at +e, v at +2e
        transposeHead(x, base + e, stride, t, hd, kT, tp);
        int outBase = b * t * e + (p % heads) * hd;
        for (int i = 0; i < t; i++) {
            int n = dm.causal() ? i + 1 : t;
            scoreRow(x, base + i * stride, hd, kT, tp, n, dm.scale(), row);
            softmaxInPlace(row, n);
            System.arraycopy(row, 0, probs, p * t * t + i * t, n);
            weightedRowSum(row, 0, 1, 0, n, x, base + 2 * e, stride, hd, out, outBase + i * e);
        }
    }

    @Override
    void backward(AttentionKernels.Dims dm, int heads, int p0, int p1, float[] g, float[] x, float[] probs,
                  float[] dx) {
        int t = dm.t();
        int tp = padded(t);
        float[] vT = new float[dm.d() * tp];
        float[] ds = new float[t * tp];
        for (int p = p0; p < p1; p++) {
            backwardPair(dm, heads, p, g, x, probs, dx, vT, tp, ds);
        }
    }

    private static void backwardPair(AttentionKernels.Dims dm, int heads, int p, float[] g, float[] x,
                                     float[] probs, float[] dx, float[] vT, int tp, float[] ds) {
        int t = dm.t();
        int hd = dm.d();
        int e = heads * hd;
        int stride = 3 * e;
        int b = p / heads;
        int base = b * t * stride + (p % heads) * hd;
        int gBase = b * t * e + (p % heads) * hd;
        int po = p * t * t;
        transposeHead(x, base + 2 * e, stride, t, hd, vT, tp);
        for (int i = 0; i < t; i++) {
            int n = dm.causal() ? i + 1 : t;
            int row = i * tp;
            // dP = dO vᵀ, then dS = P (dP - rowsum(dP P)) scale, in place
            scoreRow(g, gBase + i * e, hd, vT, tp, n, 1f, ds, row);
            softmaxBackwardInPlace(ds, row, probs, po + i * t, n, dm.scale());
            weightedRowSum(ds, row, 1, 0, n, x, base + e, stride, hd, dx, base + i * stride); // dQ = dS k
        }
        for (int s = 0; s < t; s++) {
            int i0 = dm.causal() ? s : 0;
            weightedRowSum(ds, s, tp, i0, t, x, base, stride, hd, dx, base + s * stride + e); // dK = dSᵀ q
            weightedRowSum(probs, po + s, t, i0, t, g, gBase, e, hd, dx, base + s * stride + 2 * e); // dV = Pᵀ dO
        }
    }

    /** {@code dst[d*tp + s] = x[off + s*stride + d]} for {@code s < t}, {@code d < hd}; columns from t stay 0. */
    private static void transposeHead(float[] x, int off, int stride, int t, int hd, float[] dst, int tp) {
        for (int s = 0; s < t; s++) {
            int src = off + s * stride;
            for (int d = 0; d < hd; d++) {
                dst[d * tp + s] = x[src + d];
            }
        }
    }

    private static void scoreRow(float[] a, int aOff, int hd, float[] bT, int tp, int n, float scale, float[] row) {
        scoreRow(a, aOff, hd, bT, tp, n, scale, row, 0);
    }

    /**
     * {@code row[rOff + s] = scale * Σ_d a[aOff + d] * bT[d*tp + s]} for s below n rounded up to
     * whole vectors (the lanes from n on are not used by the callers).
     */
    private static void scoreRow(float[] a, int aOff, int hd, float[] bT, int tp, int n, float scale, float[] row,
                                 int rOff) {
        int c = 0;
        // two column vectors at a time, two accumulators each: four independent FMA chains
        for (; c + L < n; c += 2 * L) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            int d = 0;
            for (; d + 1 < hd; d += 2) {
                FloatVector a0 = FloatVector.broadcast(S, a[aOff + d]);
                FloatVector a1 = FloatVector.broadcast(S, a[aOff + d + 1]);
                int o0 = d * tp + c;
                int o1 = o0 + tp;
                acc0 = FloatVector.fromArray(S, bT, o0).fma(a0, acc0);
                acc1 = FloatVector.fromArray(S, bT, o0 + L).fma(a0, acc1);
                acc2 = FloatVector.fromArray(S, bT, o1).fma(a1, acc2);
                acc3 = FloatVector.fromArray(S, bT, o1 + L).fma(a1, acc3);
            }
            if (d < hd) {
                FloatVector a0 = FloatVector.broadcast(S, a[aOff + d]);
                acc0 = FloatVector.fromArray(S, bT, d * tp + c).fma(a0, acc0);
                acc1 = FloatVector.fromArray(S, bT, d * tp + c + L).fma(a0, acc1);
            }
            acc0.add(acc2).mul(scale).intoArray(row, rOff + c);
            acc1.add(acc3).mul(scale).intoArray(row, rOff + c + L);
        }
        for (; c < n; c += L) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            int d = 0;
            for (; d + 3 < hd; d += 4) {
                acc0 = FloatVector.fromArray(S, bT, d * tp + c).fma(FloatVector.broadcast(S, a[aOff + d]), acc0);
                acc1 = FloatVector.fromArray(S, bT, (d + 1) * tp + c).fma(FloatVector.broadcast(S, a[aOff + d + 1]), acc1);
                acc2 = FloatVector.fromArray(S, bT, (d + 2) * tp + c).fma(FloatVector.broadcast(S, a[aOff + d + 2]), acc2);
                acc3 = FloatVector.fromArray(S, bT, (d + 3) * tp + c).fma(FloatVector.broadcast(S, a[aOff + d + 3]), acc3);
            }
            for (; d < hd; d++) {
                acc0 = FloatVector.fromArray(S, bT, d * tp + c).fma(FloatVector.broadcast(S, a[aOff + d]), acc0);
            }
            acc0.add(acc1).add(acc2.add(acc3)).mul(scale).intoArray(row, rOff + c);
        }
    }

    /** Softmax of {@code row[0, n)} in place, stable (the maximum subtracted); n is at least 1. */
    private static void softmaxInPlace(float[] row, int n) {
        int full = n - n % L;
        float max = Float.NEGATIVE_INFINITY;
        if (full > 0) {
            FloatVector m = FloatVector.fromArray(S, row, 0);
            for (int s = L; s < full; s += L) {
                m = m.max(FloatVector.fromArray(S, row, s));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (int s = full; s < n; s++) {
            max = Math.max(max, row[s]);
        }
        for (int s = 0; s < full; s += L) {
            FloatVector.fromArray(S, row, s).sub(max).intoArray(row, s);
        }
        for (int s = full; s < n; s++) {
            row[s] -= max;
        }
        VectorElementwiseKernels.expInPlace(row, 0, n);
        FloatVector sumV = FloatVector.zero(S);
        for (int s = 0; s < full; s += L) {
            sumV = sumV.add(FloatVector.fromArray(S, row, s));
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (int s = full; s < n; s++) {
            sum += row[s];
        }
        for (int s = 0; s < full; s += L) {
            FloatVector.fromArray(S, row, s).div(sum).intoArray(row, s);
        }
        for (int s = full; s < n; s++) {
            row[s] /= sum;
        }
    }

    /** {@code dp[off + s] = P[s] (dp[off + s] - Σ_s dp P) scale} for {@code s < n}, P read at {@code probs[po + s]}. */
    private static void softmaxBackwardInPlace(float[] dp, int off, float[] probs, int po, int n, float scale) {
        int full = n - n % L;
        FloatVector dotV = FloatVector.zero(S);
        for (int s = 0; s < full; s += L) {
            dotV = FloatVector.fromArray(S, dp, off + s).fma(FloatVector.fromArray(S, probs, po + s), dotV);
        }
        float dot = dotV.reduceLanes(VectorOperators.ADD);
        for (int s = full; s < n; s++) {
            dot = Math.fma(dp[off + s], probs[po + s], dot);
        }
        for (int s = 0; s < full; s += L) {
            FloatVector pv = FloatVector.fromArray(S, probs, po + s);
            pv.mul(FloatVector.fromArray(S, dp, off + s).sub(dot)).mul(scale).intoArray(dp, off + s);
        }
        for (int s = full; s < n; s++) {
            dp[off + s] = probs[po + s] * (dp[off + s] - dot) * scale;
        }
    }

    /**
     * {@code dst[dOff + d] = Σ_{s0 <= s < s1} w[wOff + s*wStride] * m[mOff + s*mStride + d]} for
     * {@code d < hd}: a weighted sum of head rows, one vector of columns at a time.
     */
    private static void weightedRowSum(float[] w, int wOff, int wStride, int s0, int s1, float[] m, int mOff,
                                       int mStride, int hd, float[] dst, int dOff) {
        int d = 0;
        // two column vectors at a time, two accumulators each: four independent FMA chains
        for (; d + 2 * L <= hd; d += 2 * L) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            int s = s0;
            for (; s + 1 < s1; s += 2) {
                FloatVector w0 = FloatVector.broadcast(S, w[wOff + s * wStride]);
                FloatVector w1 = FloatVector.broadcast(S, w[wOff + (s + 1) * wStride]);
                int o0 = mOff + s * mStride + d;
                int o1 = o0 + mStride;
                acc0 = FloatVector.fromArray(S, m, o0).fma(w0, acc0);
                acc1 = FloatVector.fromArray(S, m, o0 + L).fma(w0, acc1);
                acc2 = FloatVector.fromArray(S, m, o1).fma(w1, acc2);
                acc3 = FloatVector.fromArray(S, m, o1 + L).fma(w1, acc3);
            }
            if (s < s1) {
                FloatVector w0 = FloatVector.broadcast(S, w[wOff + s * wStride]);
                int o0 = mOff + s * mStride + d;
                acc0 = FloatVector.fromArray(S, m, o0).fma(w0, acc0);
                acc1 = FloatVector.fromArray(S, m, o0 + L).fma(w0, acc1);
            }
            acc0.add(acc2).intoArray(dst, dOff + d);
            acc1.add(acc3).intoArray(dst, dOff + d + L);
        }
        for (; d + L <= hd; d += L) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int s = s0;
            for (; s + 1 < s1; s += 2) {
                acc0 = FloatVector.fromArray(S, m, mOff + s * mStride + d)
                        .fma(FloatVector.broadcast(S, w[wOff + s * wStride]), acc0);
                acc1 = FloatVector.fromArray(S, m, mOff + (s + 1) * mStride + d)
                        .fma(FloatVector.broadcast(S, w[wOff + (s + 1) * wStride]), acc1);
            }
            if (s < s1) {
                acc0 = FloatVector.fromArray(S, m, mOff + s * mStride + d)
                        .fma(FloatVector.broadcast(S, w[wOff + s * wStride]), acc0);
            }
            acc0.add(acc1).intoArray(dst, dOff + d);
        }
        for (; d < hd; d++) {
            float acc = 0f;
            for (int s = s0; s < s1; s++) {
                acc = Math.fma(w[wOff + s * wStride], m[mOff + s * mStride + d], acc);
            }
            dst[dOff + d] = acc;
        }
    }
}
