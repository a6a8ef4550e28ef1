package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pooling and batch-norm kernels give bit-identical results however their planes or channels
 * are split between threads: one call over all of them equals one call per plane or channel.
 */
class PoolNormKernelsTest {

    private static float[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void poolingSplitByPlaneEqualsOneCall() {
        int planes = 6;
        int h = 7;
        int w = 6;
        int oh = 4;
        int ow = 3;
        float[] x = randn(1, planes * h * w);
        float[] g = randn(2, planes * oh * ow);
        float[][] whole = new float[6][];
        float[][] split = new float[6][];
        int[] idxWhole = new int[planes * oh * ow];
        int[] idxSplit = new int[planes * oh * ow];
        for (int pass = 0; pass < 2; pass++) {
            float[][] out = pass == 0 ? whole : split;
            int[] idx = pass == 0 ? idxWhole : idxSplit;
            for (int k = 0; k < 6; k++) {
                out[k] = new float[k % 2 == 0 ? planes * oh * ow : planes * h * w];
            }
            int step = pass == 0 ? planes : 1;
            for (int from = 0; from < planes; from += step) {
                int to = from + step;
                PoolKernels.maxPool(x, out[0], idx, from, to, h, w, oh, ow, 3, 3, 2, 2, 1, 1);
                PoolKernels.maxPoolBackward(g, idx, out[1], from, to, h * w, oh * ow);
                PoolKernels.avgPool(x, out[2], from, to, h, w, oh, ow, 3, 2, 2, 2, 1, 0, false);
                PoolKernels.avgPoolBackward(g, out[3], from, to, h, w, oh, ow, 3, 2, 2, 2, 1, 0, false);
                PoolKernels.adaptiveAvgPool(x, out[4], from, to, h, w, oh, ow);
                PoolKernels.adaptiveAvgPoolBackward(g, out[5], from, to, h, w, oh, ow);
            }
        }
        assertThat(idxSplit).containsExactly(idxWhole);
        for (int k = 0; k < 6; k++) {
            assertThat(split[k]).as("kernel %d", k).containsExactly(whole[k]);
        }
    }

    /**
     * The selected batch-norm kernels (double lanes when the Vector API is present) against the
     * scalar ones, on rows around the vector widths (1 to 4 vectors and a tail) and with a large
     * common offset: the same double sums in another order, so statistics agree to float rounding.
     */
    @ParameterizedTest
    @CsvSource({"1, 0, 1", "7, 0, 1", "8, 2, 1", "31, 0, 3", "33, -1, 1", "196, 0, 1", "784, 5, 2", "196, 1000, 1",
        "64, -30000, 10"})
    void selectedBatchNormMatchesTheScalarKernels(int s, float offset, float spread) {
        int n = 3;
        int c = 4;
        SplittableRandom r = new SplittableRandom(s);
        float[] x = new float[n * c * s];
        float[] g = randn(s + 1, n * c * s);
        for (int i = 0; i < x.length; i++) {
            x[i] = offset + spread * (float) r.nextGaussian();
        }
        float[] w = randn(5, c);
        float[] b = randn(6, c);
        float[][] expected = runBatchNorm(new NormKernels(), x, g, w, b, n, c, s);
        float[][] actual = runBatchNorm(Kernels.BATCH_NORM, x, g, w, b, n, c, s);
        String[] names = {"mean", "var", "invStd", "y", "dx", "dw", "db"};
        for (int k = 0; k < names.length; k++) {
            double scale = 0;
            for (float v : expected[k]) {
                scale = Math.max(scale, Math.abs(v));
            }
            double tol = 4e-6 * Math.max(1e-3, scale);
            for (int i = 0; i < expected[k].length; i++) {
                assertThat(actual[k][i]).as("%s [%d]", names[k], i).isCloseTo(expected[k][i], within((float) tol));
            }
        }
    }

    private static float[][] runBatchNorm(NormKernels k, float[] x, float[] g, float[] w, float[] b, int n, int c,
                                          int s) {
        float[][] r = {new float[c], new float[c], new float[c], new float[n * c * s], new float[n * c * s],
                new float[c], new float[c]};
        k.stats(x, n, c, s, 0, c, 1e-5f, r[0], r[1], r[2]);
        k.normalize(x, r[3], n, c, s, 0, c, r[0], r[2], w, b);
        k.backward(g, x, n, c, s, 0, c, r[0], r[2], w, true, r[4], r[5], r[6]);
        return r;
    }

    @Test
    void batchNormSplitByChannelEqualsOneCall() {
        int n = 3;
        int c = 5;
        int s = 8;
        float[] x = randn(3, n * c * s);
        float[] g = randn(4, n * c * s);
        float[] w = randn(5, c);
        float[] b = randn(6, c);
        float[][] whole = null;
        for (int step : new int[] {c, 1, 2}) {
            float[][] r = {new float[c], new float[c], new float[c], new float[n * c * s], new float[n * c * s],
                    new float[c], new float[c]};
            for (int from = 0; from < c; from += step) {
                int to = Math.min(c, from + step);
                Kernels.BATCH_NORM.stats(x, n, c, s, from, to, 1e-5f, r[0], r[1], r[2]);
                Kernels.BATCH_NORM.normalize(x, r[3], n, c, s, from, to, r[0], r[2], w, b);
                Kernels.BATCH_NORM.backward(g, x, n, c, s, from, to, r[0], r[2], w, true, r[4], r[5], r[6]);
            }
            if (whole == null) {
                whole = r;
            } else {
                for (int k = 0; k < r.length; k++) {
                    assertThat(r[k]).as("array %d, step %d", k, step).containsExactly(whole[k]);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theUnrolled2x2MaxPoolEqualsTheGeneralLoopIncludingTiesSignedZerosInfinitiesAndNaN() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        int planes = 3;
        int h = 7;
        int w = 6;
        float[] x = new float[planes * h * w];
        for (int i = 0; i < x.length; i++) {
            int kind = r.nextInt(10);
            x[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : kind == 2 ? -0f : kind == 3 ? 0f
                    : kind < 6 ? 1f : (float) r.nextGaussian();
        }
        int oh = 3;
        int ow = 3;
        float[] y1 = new float[planes * oh * ow];
        float[] y2 = new float[planes * oh * ow];
        int[] a1 = new int[y1.length];
        int[] a2 = new int[y1.length];
        PoolKernels.maxPool2x2(x, y1, a1, 0, planes, h, w, oh, ow);
        PoolKernels.maxPoolWindows(x, y2, a2, 0, planes, h, w, oh, ow, 2, 2, 2, 2, 0, 0);
        org.assertj.core.api.Assertions.assertThat(a1).containsExactly(a2);
        for (int i = 0; i < y1.length; i++) {
            org.assertj.core.api.Assertions.assertThat(Float.floatToRawIntBits(y1[i]))
                    .as("output %d", i).isEqualTo(Float.floatToRawIntBits(y2[i]));
        }
    }
}
