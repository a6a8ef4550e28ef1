package dev.grad4j.tensor;

/**
 * The in-place parameter updates of torch.optim (version 1.13 single-tensor rules), elementwise
 * over primitive arrays, in float32 as PyTorch computes them.
 */
final class OptimizerKernels {

    private OptimizerKernels() {
    }

    static void sgd(float[] p, float[] g, float[] buf, boolean first, float lr, float momentum,
                    float dampening, boolean nesterov, float weightDecay) {
        int n = p.length;
        for (int i = 0; i < n; i++) {
            float d = weightDecay != 0f ? g[i] + weightDecay * p[i] : g[i];
            if (momentum != 0f) {
                float b = first ? d : buf[i] * momentum + (1f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] = p[i] - lr * d;
        }
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int t, float lr,
                     float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2 = 1.0 - Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float decay = decoupled ? (float) (1.0 - (double) lr * weightDecay) : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        float oneMinusB1 = 1f - beta1;
        float oneMinusB2 = 1f - beta2;
        int n = p.length;
        for (int i = 0; i < n; i++) {
            float pi = p[i] * decay;
            float gi = l2 != 0f ? g[i] + l2 * pi : g[i];
            float mi = m[i] * beta1 + oneMinusB1 * gi;
            float vi = v[i] * beta2 + oneMinusB2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float second = vi;
            if (vMax != null) {
                second = Math.max(vMax[i], vi);
                vMax[i] = second;
            }
            float denom = (float) Math.sqrt(second) / bc2Sqrt + eps;
            p[i] = pi - stepSize * (mi / denom);
        }
    }
}
