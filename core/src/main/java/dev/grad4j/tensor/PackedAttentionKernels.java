package dev.grad4j.tensor;

/**
 * Self-attention over a packed projection {@code x [B, T, 3E]} (q, k, v side by side, H heads of
 * {@code hd = E / H}), one (batch, head) pair at a time. This implementation gathers each head and
 * runs {@link AttentionKernels}' GEMM-based forward and backward; {@code VectorPackedAttentionKernels}
 * replaces it with fused loops when the Vector API is present.
 */
class PackedAttentionKernels {

    /**
     * Forward of pairs {@code [p0, p1)}: the head outputs into columns {@code h*hd} of
     * {@code out [B, T, E]}, the probabilities into {@code probs [B, H, T, T]} (zero on entry).
     */
    void forward(AttentionKernels.Dims dm, int heads, int p0, int p1, float[] x, float[] out, float[] probs) {
        float[] w = new float[4 * dm.t() * dm.d()];
        float[] scratch = new float[AttentionKernels.ROW_BLOCK * dm.t()];
        for (int p = p0; p < p1; p++) {
            AttentionKernels.packedForward(dm, heads, p, x, out, probs, w, scratch);
        }
    }

    /**
     * Backward of pairs {@code [p0, p1)} given the output gradient {@code g [B, T, E]}: writes the
     * pairs' q, k and v gradients into {@code dx [B, T, 3E]}.
     */
    void backward(AttentionKernels.Dims dm, int heads, int p0, int p1, float[] g, float[] x, float[] probs,
                  float[] dx) {
        float[] w = new float[7 * dm.t() * dm.d() + dm.t() * dm.t()];
        for (int p = p0; p < p1; p++) {
            AttentionKernels.packedBackward(dm, heads, p, g, x, probs, dx, w);
        }
    }
}
