package dev.grad4j.tensor;

/**
 * Fused classification and regression losses, per element (the reduction is the caller's).
 * Logits and log-probabilities are laid out {@code [N, C, inner]} with the classes on dim 1;
 * labels and per-element results are {@code [N, inner]}, element {@code e = n*inner + i}.
 */
final class LossKernels {

    private LossKernels() {
    }

    /**
     * Cross-entropy with label smoothing {@code eps} of elements {@code [e0, e1)}:
     * {@code l = (1-eps)(lse - z_y) + eps (lse - mean_c z_c)}, 0 where the label is {@code ignore}.
     * Writes {@code loss[e]} and the log-sum-exp {@code lse[e]} (in double, then rounded).
     */
    static void crossEntropy(float[] z, int[] labels, float[] loss, float[] lse, int c, int inner,
                             int ignore, float eps, int e0, int e1) {
        for (int e = e0; e < e1; e++) {
            int n = e / inner;
            int base = n * c * inner + (e - n * inner);
            float max = Float.NEGATIVE_INFINITY;
            double sumZ = 0;
            for (int j = 0; j < c; j++) {
                float v = z[base + j * inner];
                max = Math.max(max, v);
                sumZ += v;
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += Math.exp((double) z[base + j * inner] - max);
            }
            double l = max + Math.log(s);
            lse[e] = (float) l;
            int y = labels[e];
            if (y == ignore) {
                loss[e] = 0f;
                continue;
            }
            double nll = l - z[base + y * inner];
            loss[e] = (float) ((1.0 - eps) * nll + eps * (l - sumZ / c));
        }
    }

    /**
     * The logit gradient of elements {@code [e0, e1)}: {@code dz_c = g[e] (p_c - (1-eps)[c = y] - eps/C)}
     * with {@code p_c = exp(z_c - lse)}, 0 for ignored elements. Modifies {@code dz}.
     */
    static void crossEntropyBackward(float[] g, float[] z, int[] labels, float[] lse, float[] dz, int c, int inner,
                                     int ignore, float eps, int e0, int e1) {
        double off = (double) eps / c;
        for (int e = e0; e < e1; e++) {
            int y = labels[e];
            if (y == ignore) {
                continue;
            }
            int n = e / inner;
            int base = n * c * inner + (e - n * inner);
            double ge = g[e];
            double l = lse[e];
            for (int j = 0; j < c; j++) {
                int at = base + j * inner;
                double p = Math.exp(z[at] - l);
                double t = (j == y ? 1.0 - eps : 0.0) + off;
                dz[at] = (float) (ge * (p - t));
            }
        }
    }

    /** Negative log-likelihood {@code loss[e] = -x[n, y, i]}, 0 where the label is {@code ignore}. Modifies {@code loss}. */
    static void nll(float[] x, int[] labels, float[] loss, int c, int inner, int ignore) {
        for (int e = 0; e < labels.length; e++) {
            int y = labels[e];
            if (y == ignore) {
                continue;
            }
            int n = e / inner;
            loss[e] = -x[n * c * inner + y * inner + (e - n * inner)];
        }
    }

    /** The gradient of {@link #nll}: {@code dx[n, y, i] = -g[e]}, 0 elsewhere. Modifies {@code dx}. */
    static void nllBackward(float[] g, int[] labels, float[] dx, int c, int inner, int ignore) {
        for (int e = 0; e < labels.length; e++) {
            int y = labels[e];
            if (y == ignore) {
                continue;
            }
            int n = e / inner;
            dx[n * c * inner + y * inner + (e - n * inner)] = -g[e];
        }
    }

    /**
     * Smooth L1 of differences {@code d}: {@code 0.5 d²/beta} where {@code |d| < beta}, else
     * {@code |d| - 0.5 beta}; {@code beta = 0} gives {@code |d|}. Modifies {@code out}.
     */
    static void smoothL1(float[] d, float[] out, float beta) {
        for (int i = 0; i < d.length; i++) {
            double a = Math.abs(d[i]);
            out[i] = (float) (a < beta ? 0.5 * a * a / beta : a - 0.5 * beta);
        }
    }

    /**
     * The gradient of {@link #smoothL1}: {@code g d/beta} where {@code |d| < beta}, else
     * {@code g sign(d)} (0 at {@code d = 0}). Modifies {@code out}.
     */
    static void smoothL1Backward(float[] g, float[] d, float[] out, float beta) {
        for (int i = 0; i < d.length; i++) {
            float x = d[i];
            double slope = x < -beta ? -1.0 : x > beta ? 1.0 : beta == 0f ? 0.0 : x / (double) beta;
            out[i] = (float) (g[i] * slope);
        }
    }
}
