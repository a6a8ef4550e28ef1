package dev.grad4j.tensor;

/**
 * The in-place parameter updates of torch.optim (version 1.13 single-tensor rules), elementwise
 * over primitive arrays on the index range {@code [from, to)}, in float32 as PyTorch computes
 * them. {@code VectorOptimizerKernels} computes the same operations in the same order on vectors,
 * so both give bit-identical results.
 */
class OptimizerKernels {

    void sgd(float[] p, float[] g, float[] buf, int from, int to, boolean first, float lr, float momentum,
             float dampening, boolean nesterov, float weightDecay) {
        for (int i = from; i < to; i++) {
            float d = weightDecay != 0f ? g[i] + weightDecay * p[i] : g[i];
            if (momentum != 0f) {
                float b = first ? d : buf[i] * momentum + (1f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] = p[i] - lr * d;
        }
    }

    /** The scalars of one Adam step, computed once per step as torch does (in double, then float). */
    record AdamScalars(float stepSize, float bc2Sqrt, float decay, float l2, float beta1, float beta2,
                       float oneMinusB1, float oneMinusB2, float eps) {
        static AdamScalars of(int t, float lr, float beta1, float beta2, float eps, float weightDecay,
                              boolean decoupled) {
            double bc1 = 1.0 - Math.pow(beta1, t);
            double bc2 = 1.0 - Math.pow(beta2, t);
            return new AdamScalars((float) (lr / bc1), (float) Math.sqrt(bc2),
                    decoupled ? (float) (1.0 - (double) lr * weightDecay) : 1f, decoupled ? 0f : weightDecay,
                    beta1, beta2, 1f - beta1, 1f - beta2, eps);
        }
    }

    void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int from, int to, AdamScalars s) {
        float stepSize = s.stepSize();
        float bc2Sqrt = s.bc2Sqrt();
        float decay = s.decay();
        float l2 = s.l2();
        float beta1 = s.beta1();
        float beta2 = s.beta2();
        float oneMinusB1 = s.oneMinusB1();
        float oneMinusB2 = s.oneMinusB2();
        float eps = s.eps();
        if (l2 == 0f && vMax == null) {
            // The common case as a loop without branches, which C2 vectorises (the general loop
            // below stays scalar on JDK 17).
            for (int i = from; i < to; i++) {
                float pi = p[i] * decay;
                float gi = g[i];
                float mi = m[i] * beta1 + oneMinusB1 * gi;
                float vi = v[i] * beta2 + oneMinusB2 * (gi * gi);
                m[i] = mi;
                v[i] = vi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                p[i] = pi - stepSize * (mi / denom);
            }
            return;
        }
        for (int i = from; i < to; i++) {
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
