package dev.grad4j.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The selected layer-norm kernels (float lanes when the Vector API is present) against the
 * double-precision ones, on row lengths around the vector width and on rows with a large common
 * offset, where a one-pass or unshifted float sum would lose the mean.
 */
class LayerNormKernelsTest {

    @ParameterizedTest
    @CsvSource({"1, 0, 1", "5, 3, 2", "16, 0, 1", "37, -2, 0.5", "128, 1, 3", "200, 0, 1", "128, 1000, 1",
        "64, -30000, 10"})
    void matchesTheDoublePrecisionKernels(int n, float offset, float spread) {
        SplittableRandom r = new SplittableRandom(n);
        int rows = 7;
        float[] x = new float[rows * n];
        float[] g = new float[rows * n];
        float[] w = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = offset + spread * (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
        }
        for (int j = 0; j < n; j++) {
            w[j] = 1 + 0.5f * (float) r.nextGaussian();
            b[j] = (float) r.nextGaussian();
        }
        LayerNormKernels reference = new LayerNormKernels();
        LayerNormKernels selected = Kernels.LAYER_NORM;
        float[][] expected = run(reference, x, g, w, b, rows, n);
        float[][] actual = run(selected, x, g, w, b, rows, n);
        // the inputs themselves carry ulp(offset) / spread of relative error in their deviations
        double inputRounding = Math.ulp(Math.abs(offset) + 4 * spread) / spread;
        String[] names = {"y", "mean", "invStd", "dx", "dw", "db"};
        for (int k = 0; k < names.length; k++) {
            double scale = 0;
            for (float v : expected[k]) {
                scale = Math.max(scale, Math.abs(v));
            }
            double tol = (2e-6 + 4 * inputRounding) * Math.max(1, scale) * (k >= 3 ? Math.sqrt(rows * n) : 1);
            for (int i = 0; i < expected[k].length; i++) {
                assertThat(actual[k][i]).as("%s [%d]", names[k], i).isCloseTo(expected[k][i], within((float) tol));
            }
        }
    }

    private static float[][] run(LayerNormKernels k, float[] x, float[] g, float[] w, float[] b, int rows, int n) {
        float[] y = new float[rows * n];
        float[] mean = new float[rows];
        float[] inv = new float[rows];
        k.forward(x, w, b, y, mean, inv, n, 1e-5f, 0, 3);
        k.forward(x, w, b, y, mean, inv, n, 1e-5f, 3, rows);
        float[] dx = new float[rows * n];
        k.backwardInput(g, x, w, mean, inv, dx, n, 0, rows);
        float[] dw = new float[n];
        float[] db = new float[n];
        k.backwardAffine(g, x, mean, inv, dw, db, rows, n, 0, n / 2);
        k.backwardAffine(g, x, mean, inv, dw, db, rows, n, n / 2, n);
        return new float[][] {y, mean, inv, dx, dw, db};
    }
}
