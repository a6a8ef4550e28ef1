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
        int tt = dm.t();
        int ss = dm.s();
        int qo = p * tt * dm.d();
        int ko = p * ss * dm.d();
        int po = p * tt * ss;
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
        Gemm.gemm(false, false, tt, dm.dv(), ss, probs, po, v, p * ss * dm.dv(), out, p * tt * dm.dv(), false);
    }

    /**
     * The backward of pair {@code p} given the output gradient {@code g}: {@code dV = Pᵀ dO},
     * {@code dP = dO Vᵀ}, {@code dS = P (dP - rowsum(dP P)) scale}, {@code dQ = dS K},
     * {@code dK = dSᵀ Q}. Any of {@code dq, dk, dv} may be null (not needed). {@code scratch}
     * holds at least {@code T * S} floats. Modifies {@code dq}, {@code dk}, {@code dv} and {@code scratch}.
     */
    static void backward(Dims dm, int p, float[] g, float[] q, float[] k, float[] v, float[] probs,
                         float[] dq, float[] dk, float[] dv, float[] scratch) {
        int tt = dm.t();
        int ss = dm.s();
        int qo = p * tt * dm.d();
        int ko = p * ss * dm.d();
        int vo = p * ss * dm.dv();
        int go = p * tt * dm.dv();
        int po = p * tt * ss;
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
}
