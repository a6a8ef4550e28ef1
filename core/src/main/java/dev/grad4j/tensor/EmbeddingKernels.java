package dev.grad4j.tensor;

/**
 * Embedding lookup (rows of a {@code [V, D]} table) and its scatter-add backward. The backward
 * adds the gradient rows in the order of the ids, so repeated ids sum in a fixed order.
 */
final class EmbeddingKernels {

    private EmbeddingKernels() {
    }

    /** Copies row {@code ids[i]} of {@code w} (rows of length {@code d}) to row i of {@code out}. Modifies {@code out}. */
    static void lookup(float[] w, int[] ids, float[] out, int d) {
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(w, ids[i] * d, out, i * d, d);
        }
    }

    /**
     * Adds row i of {@code g} to row {@code ids[i]} of {@code dw}, columns {@code [c0, c1)} only,
     * skipping ids equal to {@code pad} (pass -1 for none). Modifies {@code dw}.
     */
    static void scatterAdd(float[] g, int[] ids, float[] dw, int d, int pad, int c0, int c1) {
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == pad) {
                continue;
            }
            int src = i * d;
            int dst = id * d;
            for (int j = c0; j < c1; j++) {
                dw[dst + j] += g[src + j];
            }
        }
    }
}
