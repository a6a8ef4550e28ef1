package dev.grad4j.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both packed self-attention kernels (the GEMM-based one and the selected one, the fused Vector API
 * kernel when present) against attention computed naively in double, forward and backward, for
 * sequence lengths and head sizes around the vector width, causal or not.
 */
class PackedAttentionKernelsTest {

    @ParameterizedTest
    @CsvSource({"1, 1, 1, 4, true, 1.5", "2, 5, 3, 2, true, 1.5", "2, 17, 2, 8, false, 1.5",
        "1, 16, 1, 16, true, 1.5", "3, 33, 2, 20, true, 1.5", "2, 64, 4, 32, true, 1.5", "1, 40, 3, 32, false, 1.5",
        "1, 9, 1, 64, true, 1.5", "1, 4, 2, 4, true, 6", "2, 20, 2, 4, false, 6"})
    void matchesNaiveAttentionInDouble(int batch, int t, int heads, int hd, boolean causal, double spread) {
        SplittableRandom r = new SplittableRandom(31L * t + hd);
        int e = heads * hd;
        float[] x = new float[batch * t * 3 * e];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * spread);
        }
        float[] g = new float[batch * t * e];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        float scale = (float) (1 / Math.sqrt(hd));
        AttentionKernels.Dims dm = new AttentionKernels.Dims(t, t, hd, hd, scale, causal);
        double[][] ref = naive(x, g, batch, t, heads, hd, scale, causal);
        for (PackedAttentionKernels kernels : new PackedAttentionKernels[] {new PackedAttentionKernels(), Kernels.ATTENTION}) {
            String name = kernels.getClass().getSimpleName();
            float[] out = new float[batch * t * e];
            float[] probs = new float[batch * heads * t * t];
            int pairs = batch * heads;
            // in two parts, as two kernel threads would
            kernels.forward(dm, heads, 0, pairs / 2, x, out, probs);
            kernels.forward(dm, heads, pairs / 2, pairs, x, out, probs);
            float[] dx = new float[x.length];
            kernels.backward(dm, heads, 0, pairs / 2, g, x, probs, dx);
            kernels.backward(dm, heads, pairs / 2, pairs, g, x, probs, dx);
            assertClose(name + " output", out, ref[0]);
            assertClose(name + " probabilities", probs, ref[1]);
            assertClose(name + " input gradient", dx, ref[2]);
        }
    }

    private static void assertClose(String what, float[] actual, double[] expected) {
        assertThat(actual).as(what).hasSize(expected.length);
        double largest = 0;
        for (double v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        // float rounding relative to the tensor's scale (the golden cases' rule, 10x tighter)
        double tol = 1e-6 + 1e-5 * largest;
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("%s [%d]", what, i).isCloseTo(expected[i],
                    org.assertj.core.api.Assertions.within(tol));
        }
    }

    /** Output, probabilities and the gradient of {@code Σ out * g} with respect to x, in double. */
    private static double[][] naive(float[] x, float[] g, int batch, int t, int heads, int hd, double scale,
                                    boolean causal) {
        int e = heads * hd;
        double[] out = new double[batch * t * e];
        double[] probs = new double[batch * heads * t * t];
        double[] dx = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int p = b * heads + h;
                double[][] pr = new double[t][t];
                for (int i = 0; i < t; i++) {
                    int n = causal ? i + 1 : t;
                    double max = Double.NEGATIVE_INFINITY;
                    double[] z = new double[n];
                    for (int s = 0; s < n; s++) {
                        for (int d = 0; d < hd; d++) {
                            z[s] += (double) x[q(b, i, h, d, t, e, hd)] * x[q(b, s, h, d, t, e, hd) + e];
                        }
                        z[s] *= scale;
                        max = Math.max(max, z[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s < n; s++) {
                        sum += Math.exp(z[s] - max);
                    }
                    for (int s = 0; s < n; s++) {
                        pr[i][s] = Math.exp(z[s] - max) / sum;
                        probs[p * t * t + i * t + s] = pr[i][s];
                        for (int d = 0; d < hd; d++) {
                            out[(b * t + i) * e + h * hd + d] += pr[i][s] * x[q(b, s, h, d, t, e, hd) + 2 * e];
                        }
                    }
                }
                for (int i = 0; i < t; i++) {
                    int n = causal ? i + 1 : t;
                    double[] dp = new double[n];
                    double dot = 0;
                    for (int s = 0; s < n; s++) {
                        for (int d = 0; d < hd; d++) {
                            double gi = g[(b * t + i) * e + h * hd + d];
                            dp[s] += gi * x[q(b, s, h, d, t, e, hd) + 2 * e];
                            dx[q(b, s, h, d, t, e, hd) + 2 * e] += pr[i][s] * gi; // dV
                        }
                        dot += dp[s] * pr[i][s];
                    }
                    for (int s = 0; s < n; s++) {
                        double ds = pr[i][s] * (dp[s] - dot) * scale;
                        for (int d = 0; d < hd; d++) {
                            dx[q(b, i, h, d, t, e, hd)] += ds * x[q(b, s, h, d, t, e, hd) + e]; // dQ
                            dx[q(b, s, h, d, t, e, hd) + e] += ds * x[q(b, i, h, d, t, e, hd)]; // dK
                        }
                    }
                }
            }
        }
        return new double[][] {out, probs, dx};
    }

    /** Index of q[b, i, head h, d] in the packed [B, T, 3E] projection. */
    private static int q(int b, int i, int h, int d, int t, int e, int hd) {
        return (b * t + i) * 3 * e + h * hd + d;
    }
}
