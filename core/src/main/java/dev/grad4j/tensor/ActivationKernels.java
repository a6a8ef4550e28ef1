package dev.grad4j.tensor;

/**
 * Elementwise kernels of the activations that take a hyperparameter (leaky ReLU, ELU, softplus) and
 * of clamp, forward and backward, with PyTorch's formulas and derivative conventions. Each works on
 * {@code [from, to)}, writes into the output it is given and allocates nothing; transcendental
 * functions are evaluated in double and rounded once.
 */
final class ActivationKernels {

    private ActivationKernels() {
    }

    /** {@code y = min(max(x, lo), hi)}; NaN stays NaN. Infinite bounds mean unbounded. */
    static void clamp(float[] x, float[] y, int from, int to, float lo, float hi) {
        for (int i = from; i < to; i++) {
            y[i] = Math.min(Math.max(x[i], lo), hi);
        }
    }

    /** {@code r = g} where {@code lo <= x <= hi}, else 0 (torch's clamp backward). */
    static void clampBackward(float[] g, float[] x, float[] r, int from, int to, float lo, float hi) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            r[i] = v >= lo && v <= hi ? g[i] : 0f;
        }
    }

    /** {@code y = x > 0 ? x : slope * x}. */
    static void leakyRelu(float[] x, float[] y, int from, int to, float slope) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : v * slope;
        }
    }

    /** {@code r = x > 0 ? g : slope * g}. */
    static void leakyReluBackward(float[] g, float[] x, float[] r, int from, int to, float slope) {
        for (int i = from; i < to; i++) {
            r[i] = x[i] > 0f ? g[i] : g[i] * slope;
        }
    }

    /** {@code y = x > 0 ? x : alpha (e^x - 1)}. */
    static void elu(float[] x, float[] y, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : (float) (alpha * Math.expm1(v));
        }
    }

    /** {@code r = x > 0 ? g : g alpha e^x}. */
    static void eluBackward(float[] g, float[] x, float[] r, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            r[i] = v > 0f ? g[i] : (float) (g[i] * (alpha * Math.exp(v)));
        }
    }

    /** {@code y = beta x > threshold ? x : log(1 + e^{beta x}) / beta}. */
    static void softplus(float[] x, float[] y, int from, int to, float beta, float threshold) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            float bx = v * beta;
            if (bx > threshold) {
                y[i] = v;
            } else {
                double b = bx; // log(1 + e^b) without overflow for large b
                double sp = b > 0 ? b + Math.log1p(Math.exp(-b)) : Math.log1p(Math.exp(b));
                y[i] = (float) (sp / beta);
            }
        }
    }

    /** {@code r = beta x > threshold ? g : g sigmoid(beta x)}. */
    static void softplusBackward(float[] g, float[] x, float[] r, int from, int to, float beta, float threshold) {
        for (int i = from; i < to; i++) {
            float bx = x[i] * beta;
            r[i] = bx > threshold ? g[i] : (float) (g[i] * ElementwiseKernels.sigmoidDouble(bx));
        }
    }
}
