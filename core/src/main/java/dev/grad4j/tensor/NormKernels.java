package dev.grad4j.tensor;

/**
 * Batch normalisation over {@code x} viewed as {@code [n, c, s]} (channels on dim 1, s the product
 * of the spatial dims), forward and backward. Each kernel handles the channels {@code [from, to)}
 * and writes only their elements; per-channel sums accumulate in double in a fixed order (batch,
 * then position), so splitting the channels between threads never changes a result. The sums of
 * one row of a channel are the methods {@link VectorNormKernels} replaces.
 */
class NormKernels {

    /**
     * Training statistics: per channel the mean and the biased variance (two passes in double),
     * and {@code invStd = 1 / sqrt(var + eps)}.
     */
    final void stats(float[] x, int n, int c, int s, int from, int to, float eps,
                     float[] mean, float[] var, float[] invStd) {
        int m = n * s;
        for (int ch = from; ch < to; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                sum += sum(x, (b * c + ch) * s, s);
            }
            double mu = sum / m;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                sq += squaredDeviations(x, (b * c + ch) * s, s, mu);
            }
            double v = sq / m;
            mean[ch] = (float) mu;
            var[ch] = (float) v;
            invStd[ch] = (float) (1.0 / Math.sqrt(v + eps));
        }
    }

    /**
     * Normalises: {@code y = (x - mean) * invStd * w + b} per channel; {@code w} or {@code b} may
     * be null (1 and 0). As PyTorch's CPU kernel, in float: {@code y = x * alpha + beta} with
     * {@code alpha = invStd * w} and {@code beta = b - mean * alpha} (a float loop, which C2
     * vectorises; the same loop in double, with its conversions, it does not).
     */
    final void normalize(float[] x, float[] y, int n, int c, int s, int from, int to,
                         float[] mean, float[] invStd, float[] w, float[] b) {
        for (int ch = from; ch < to; ch++) {
            float alpha = invStd[ch] * (w == null ? 1f : w[ch]);
            float beta = (b == null ? 0f : b[ch]) - mean[ch] * alpha;
            for (int bi = 0; bi < n; bi++) {
                int base = (bi * c + ch) * s;
                for (int k = 0; k < s; k++) {
                    y[base + k] = x[base + k] * alpha + beta;
                }
            }
        }
    }

    /**
     * Backward: per channel {@code dBias = Σ g}, {@code dWeight = Σ g * xhat} with
     * {@code xhat = (x - mean) * invStd}; {@code dx} (skipped when null) is
     * {@code w * invStd * (g - Σg/m - xhat * Σ(g xhat)/m)} in training, where the statistics depend
     * on x, and {@code w * invStd * g} in evaluation.
     */
    final void backward(float[] g, float[] x, int n, int c, int s, int from, int to,
                        float[] mean, float[] invStd, float[] w, boolean training,
                        float[] dx, float[] dw, float[] db) {
        int m = n * s;
        for (int ch = from; ch < to; ch++) {
            double mu = mean[ch];
            double is = invStd[ch];
            double sg = 0;
            double sgx = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                sg += sum(g, base, s);
                sgx += products(g, x, base, s, mu);
            }
            sgx *= is;
            dw[ch] = (float) sgx;
            db[ch] = (float) sg;
            if (dx == null) {
                continue;
            }
            // The sums above in double; the elementwise pass in float, as PyTorch's CPU kernel
            // computes it (a float loop, which C2 vectorises)
            float scale = invStd[ch] * (w == null ? 1f : w[ch]);
            if (training) {
                float meanF = mean[ch];
                float meanG = (float) (sg / m);
                float proj = (float) (sgx / m * is); // multiplies (x - mean): xhat * Σ(g xhat)/m
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * s;
                    for (int k = 0; k < s; k++) {
                        dx[base + k] = (g[base + k] - meanG - (x[base + k] - meanF) * proj) * scale;
                    }
                }
            } else {
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * s;
                    for (int k = 0; k < s; k++) {
                        dx[base + k] = g[base + k] * scale;
                    }
                }
            }
        }
    }

    /*
     * The sums below keep four partial sums in double, combined in a fixed order: four independent
     * chains of additions run about four times faster than one, and the order never depends on
     * the thread count.
     */

    /** {@code Σ x[off + k]} for {@code k < len}. */
    double sum(float[] x, int off, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += x[off + k];
            s1 += x[off + k + 1];
            s2 += x[off + k + 2];
            s3 += x[off + k + 3];
        }
        for (; k < len; k++) {
            s0 += x[off + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ (x[off + k] - mu)²} for {@code k < len}. */
    double squaredDeviations(float[] x, int off, int len, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            double d0 = x[off + k] - mu;
            double d1 = x[off + k + 1] - mu;
            double d2 = x[off + k + 2] - mu;
            double d3 = x[off + k + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; k < len; k++) {
            double d = x[off + k] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ g[off + k] (x[off + k] - mu)} for {@code k < len}. */
    double products(float[] g, float[] x, int off, int len, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += g[off + k] * (x[off + k] - mu);
            s1 += g[off + k + 1] * (x[off + k + 1] - mu);
            s2 += g[off + k + 2] * (x[off + k + 2] - mu);
            s3 += g[off + k + 3] * (x[off + k + 3] - mu);
        }
        for (; k < len; k++) {
            s0 += g[off + k] * (x[off + k] - mu);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
