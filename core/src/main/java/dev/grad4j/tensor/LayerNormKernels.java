package dev.grad4j.tensor;

/**
 * Layer normalisation over the last {@code n} elements of each row: one fused pass per row for
 * the forward (mean, biased variance, normalise, affine) and for the input gradient, and a
 * column-wise pass with a fixed row order for the weight and bias gradients. Row statistics are
 * computed in two passes (the mean first), so large offsets do not cancel; this implementation
 * sums in double, {@code VectorLayerNormKernels} in float lanes.
 */
class LayerNormKernels {

    /**
     * Normalises rows {@code [r0, r1)} of {@code x} (rows of length {@code n}) into {@code y} and
     * writes each row's mean and {@code 1/sqrt(var + eps)} into {@code mean} and {@code invStd}.
     * {@code w} and {@code b} (length {@code n}) may be null. Modifies {@code y}, {@code mean},
     * {@code invStd}.
     */
    void forward(float[] x, float[] w, float[] b, float[] y, float[] mean, float[] invStd,
                        int n, float eps, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int base = r * n;
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += x[base + j];
            }
            double mu = s / n;
            double ss = 0;
            for (int j = 0; j < n; j++) {
                double d = x[base + j] - mu;
                ss += d * d;
            }
            double inv = 1.0 / Math.sqrt(ss / n + eps);
            mean[r] = (float) mu;
            invStd[r] = (float) inv;
            for (int j = 0; j < n; j++) {
                double h = (x[base + j] - mu) * inv;
                if (w != null) {
                    h *= w[j];
                }
                if (b != null) {
                    h += b[j];
                }
                y[base + j] = (float) h;
            }
        }
    }

    /**
     * The input gradient of rows {@code [r0, r1)}: with {@code xh = (x - mean) invStd} and
     * {@code gw = grad * w}, {@code dx = invStd (gw - mean(gw) - xh mean(gw xh))}. {@code w} may be
     * null (no affine). Modifies {@code dx}.
     */
    void backwardInput(float[] g, float[] x, float[] w, float[] mean, float[] invStd, float[] dx,
                              int n, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int base = r * n;
            double mu = mean[r];
            double inv = invStd[r];
            double s1 = 0;
            double s2 = 0;
            for (int j = 0; j < n; j++) {
                double gw = w == null ? g[base + j] : (double) g[base + j] * w[j];
                s1 += gw;
                s2 += gw * (x[base + j] - mu) * inv;
            }
            double m1 = s1 / n;
            double m2 = s2 / n;
            for (int j = 0; j < n; j++) {
                double gw = w == null ? g[base + j] : (double) g[base + j] * w[j];
                double xh = (x[base + j] - mu) * inv;
                dx[base + j] = (float) (inv * (gw - m1 - xh * m2));
            }
        }
    }

    /**
     * The weight and bias gradients of columns {@code [c0, c1)}: {@code dw[j] = Σ_r grad xh},
     * {@code db[j] = Σ_r grad}, summed over all {@code rows} in row order. Either output may be
     * null. Modifies {@code dw} and {@code db}.
     */
    void backwardAffine(float[] g, float[] x, float[] mean, float[] invStd, float[] dw, float[] db,
                               int rows, int n, int c0, int c1) {
        int width = c1 - c0;
        double[] aw = new double[width];
        double[] ab = new double[width];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double mu = mean[r];
            double inv = invStd[r];
            for (int j = c0; j < c1; j++) {
                double gv = g[base + j];
                aw[j - c0] += gv * (x[base + j] - mu) * inv;
                ab[j - c0] += gv;
            }
        }
        for (int j = c0; j < c1; j++) {
            if (dw != null) {
                dw[j] = (float) aw[j - c0];
            }
            if (db != null) {
                db[j] = (float) ab[j - c0];
            }
        }
    }
}
