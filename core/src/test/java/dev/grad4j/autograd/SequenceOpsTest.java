package dev.grad4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks, reference comparisons and error paths of the fused sequence layers:
 * layerNorm, embedding and scaledDotProductAttention.
 */
class SequenceOpsTest {

    // ---- layerNorm --------------------------------------------------------------------------------

    static Stream<Arguments> layerNorms() {
        List<Arguments> cases = new ArrayList<>();
        int[][][] shapes = {{{3, 5}, {5}}, {{2, 3, 4}, {4}}, {{2, 3, 4}, {3, 4}}, {{6}, {6}}, {{2, 7}, {7}}};
        for (int[][] s : shapes) {
            for (String affine : new String[] {"both", "weight", "bias", "none"}) {
                cases.add(Arguments.of(s[0], s[1], affine));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "x {0} over {1}, affine {2}")
    @MethodSource("layerNorms")
    void layerNormGradients(int[] xs, int[] ns, String affine) {
        NDArray x = Inputs.randn(1, xs);
        NDArray w = Inputs.randn(2, ns);
        NDArray b = Inputs.randn(3, ns);
        switch (affine) {
            case "both":
                GradCheck.assertClose(t -> t.get(0).layerNorm(ns, t.get(1), t.get(2), 1e-5f), x, w, b);
                break;
            case "weight":
                GradCheck.assertClose(t -> t.get(0).layerNorm(ns, t.get(1), null, 1e-5f), x, w);
                break;
            case "bias":
                GradCheck.assertClose(t -> t.get(0).layerNorm(ns, null, t.get(1), 1e-3f), x, b);
                break;
            default:
                GradCheck.assertClose(t -> t.get(0).layerNorm(ns, null, null, 1e-5f), x);
        }
    }

    @Test
    void layerNormEqualsComposedVersion() {
        Tensor x = Tensor.var("x", Inputs.randn(4, 2, 3, 4));
        Tensor w = Tensor.var("w", Inputs.randn(5, 3, 4));
        Tensor b = Tensor.var("b", Inputs.randn(6, 3, 4));
        int[] axes = {1, 2};
        Tensor fused = x.layerNorm(new int[] {3, 4}, w, b, 1e-5f);
        Tensor centred = x.sub(x.mean(axes, true));
        Tensor var = centred.mul(centred).mean(axes, true);
        Tensor composed = centred.div(var.add(1e-5f).sqrt()).mul(w).add(b);
        assertClose(fused.value(), composed.value(), 1e-5);
        NDArray up = Inputs.randn(7, 2, 3, 4);
        Gradients gf = fused.backward(up);
        Gradients gc = composed.backward(up);
        for (Tensor v : List.of(x, w, b)) {
            assertClose(gf.wrt(v), gc.wrt(v), 1e-4);
        }
    }

    @Test
    void layerNormIsStableForLargeOffsets() {
        // Rows 1000 + small values: a one-pass E[x²] - E[x]² in float32 loses every digit.
        float[] d = new float[8];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1000f + 0.01f * i;
        }
        float[] y = Tensor.constant(NDArray.of(d, 2, 4)).layerNorm(new int[] {4}, null, null, 0f).value().toArray();
        double[] expected = {-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738};
        for (int i = 0; i < 8; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i % 4], within(2e-3));
        }
    }

    @Test
    void layerNormErrors() {
        Tensor x = Tensor.constant(Inputs.randn(1, 2, 3));
        expectError(() -> x.layerNorm(new int[] {2}, null, null, 1e-5f), "layerNorm", "[2, 3]", "[2]");
        expectError(() -> x.layerNorm(new int[] {1, 2, 3}, null, null, 1e-5f), "layerNorm", "[1, 2, 3]");
        expectError(() -> x.layerNorm(new int[] {3}, Tensor.constant(NDArray.zeros(4)), null, 1e-5f),
                "layerNorm", "weight", "[4]");
        expectError(() -> x.layerNorm(new int[] {3}, null, Tensor.constant(NDArray.zeros(2, 3)), 1e-5f),
                "layerNorm", "bias", "[2, 3]");
        expectError(() -> x.layerNorm(new int[] {3}, null, null, -1f), "layerNorm", "eps");
        expectError(() -> x.layerNorm(new int[] {}, null, null, 1e-5f), "layerNorm", "normalizedShape");
    }

    // ---- embedding --------------------------------------------------------------------------------

    @Test
    void embeddingLooksUpRows() {
        NDArray w = Inputs.randn(8, 5, 3);
        IntArray ids = IntArray.of(new int[] {4, 0, 4, 2}, 2, 2);
        NDArray y = Tensor.constant(w).embedding(ids).value();
        assertThat(y.shape().toArray()).containsExactly(2, 2, 3);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(y.get(i / 2, i % 2, j)).isEqualTo(w.get(ids.toArray()[i], j));
            }
        }
    }

    static Stream<Arguments> embeddings() {
        return Stream.of(
                Arguments.of(new int[] {1, 1, 3, 0, 1}, new int[] {5}, null),
                Arguments.of(new int[] {1, 2, 2, 0, 3, 2}, new int[] {2, 3}, 2),
                Arguments.of(new int[] {3, 3, 3}, new int[] {3}, -1), // -1 = row 3
                Arguments.of(new int[] {0}, new int[] {}, null),
                Arguments.of(new int[] {0, 1, 2, 3}, new int[] {1, 2, 2}, 0));
    }

    @ParameterizedTest(name = "ids {0} shape {1} padding {2}")
    @MethodSource("embeddings")
    void embeddingGradients(int[] ids, int[] shape, Integer padding) {
        IntArray idArray = IntArray.of(ids, shape);
        NDArray w = Inputs.randn(9, 4, 3);
        GradCheck.assertClose(t -> t.get(0).embedding(idArray), w);
        if (padding != null) {
            // with padding: the same gradient, except the padding row's, which is 0
            Tensor wv = Tensor.var("w", w);
            NDArray up = Inputs.randn(10, IntStream.concat(Arrays.stream(shape), IntStream.of(3)).toArray());
            float[] plain = wv.embedding(idArray).backward(up).wrt(wv).toArray();
            float[] padded = wv.embedding(idArray, padding).backward(up).wrt(wv).toArray();
            int row = padding < 0 ? padding + 4 : padding;
            for (int i = 0; i < plain.length; i++) {
                assertThat(padded[i]).isEqualTo(i / 3 == row ? 0f : plain[i]);
            }
        }
    }

    @Test
    void embeddingPaddingRowGetsZeroGradientAndRepeatsAddUp() {
        Tensor w = Tensor.var("w", Inputs.randn(10, 4, 2));
        IntArray ids = IntArray.vector(1, 3, 1, 1, 3);
        NDArray g = w.embedding(ids, 3).sum().backward().wrt(w);
        assertThat(g.toArray()).containsExactly(0, 0, 3, 3, 0, 0, 0, 0);
    }

    @Test
    void embeddingErrors() {
        Tensor w = Tensor.constant(Inputs.randn(11, 4, 2));
        expectError(() -> w.embedding(IntArray.of(new int[] {0, 4}, 2)), "embedding", "id 4", "[2]", "[4, 2]");
        expectError(() -> w.embedding(IntArray.of(new int[] {-1, 0, 1, 2}, 2, 2)), "embedding", "id -1", "[2, 2]");
        expectError(() -> w.embedding(IntArray.vector(0), 4), "embedding", "paddingIdx 4");
        expectError(() -> w.embedding(IntArray.vector(0), -5), "embedding", "paddingIdx -5");
        expectError(() -> Tensor.constant(NDArray.zeros(4)).embedding(IntArray.vector(0)), "embedding", "[4]");
        assertThatThrownBy(() -> w.embedding(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("embedding");
    }

    // ---- attention --------------------------------------------------------------------------------

    /** Naive attention in double: mask nonzero = not attended; fully masked rows give 0. */
    static double[] naiveAttention(NDArray q, NDArray k, NDArray v, IntArray mask, boolean causal, double scale) {
        int[] qs = q.shape().toArray();
        int bh = qs[0] * qs[1];
        int t = qs[2];
        int d = qs[3];
        int s = k.shape().dim(2);
        int dv = v.shape().dim(3);
        float[] qd = q.toArray();
        float[] kd = k.toArray();
        float[] vd = v.toArray();
        int[] md = mask == null ? null : mask.toArray();
        double[] out = new double[bh * t * dv];
        for (int p = 0; p < bh; p++) {
            for (int i = 0; i < t; i++) {
                double[] sc = new double[s];
                boolean[] on = new boolean[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    on[j] = !(causal && j > i) && (md == null || md[i * s + j] == 0);
                    if (!on[j]) {
                        continue;
                    }
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) qd[(p * t + i) * d + c] * kd[(p * s + j) * d + c];
                    }
                    sc[j] = dot * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    sc[j] = on[j] ? Math.exp(sc[j] - max) : 0;
                    sum += sc[j];
                }
                for (int j = 0; j < s; j++) {
                    for (int c = 0; c < dv && sum > 0; c++) {
                        out[(p * t + i) * dv + c] += sc[j] / sum * vd[(p * s + j) * dv + c];
                    }
                }
            }
        }
        return out;
    }

    static Stream<Arguments> attentions() {
        return Stream.of(
                Arguments.of(new int[] {1, 2, 4, 3}, 4, 3, false, null, null),
                Arguments.of(new int[] {2, 2, 5, 4}, 5, 4, true, null, null),
                Arguments.of(new int[] {1, 1, 3, 4}, 6, 2, false, null, 0.3f),
                Arguments.of(new int[] {2, 1, 4, 2}, 4, 2, true, null, 1f),
                Arguments.of(new int[] {1, 2, 3, 2}, 5, 3, false, new int[] {0, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0},
                        null),
                Arguments.of(new int[] {1, 1, 4, 3}, 4, 3, true, new int[] {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0},
                        null),
                // row 1 fully masked by the mask, row 0 by mask + causal
                Arguments.of(new int[] {1, 2, 3, 2}, 3, 2, true, new int[] {1, 0, 0, 1, 1, 1, 0, 0, 0}, 0.7f),
                Arguments.of(new int[] {1, 1, 40, 3}, 40, 2, true, null, null)); // more than one row block
    }

    @ParameterizedTest(name = "q {0} S {1} Dv {2} causal {3} mask {4} scale {5}")
    @MethodSource("attentions")
    void attentionMatchesNaiveAndGradients(int[] qs, int s, int dv, boolean causal, int[] mask, Float scale) {
        NDArray q = Inputs.randn(12, qs);
        NDArray k = Inputs.randn(13, qs[0], qs[1], s, qs[3]);
        NDArray v = Inputs.randn(14, qs[0], qs[1], s, dv);
        IntArray m = mask == null ? null : IntArray.of(mask, qs[2], s);
        NDArray y = Tensor.scaledDotProductAttention(Tensor.constant(q), Tensor.constant(k), Tensor.constant(v), m,
                causal, scale).value();
        double sc = scale != null ? scale : 1 / Math.sqrt(qs[3]);
        double[] expected = naiveAttention(q, k, v, m, causal, sc);
        float[] actual = y.toArray();
        assertThat(y.shape().toArray()).containsExactly(qs[0], qs[1], qs[2], dv);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).isCloseTo(expected[i], within(1e-5));
        }
        GradCheck.assertClose(t -> Tensor.scaledDotProductAttention(t.get(0), t.get(1), t.get(2), m, causal, scale),
                q, k, v);
    }

    @Test
    void fullyMaskedRowGivesZeroOutputAndZeroGradient() {
        Tensor q = Tensor.var("q", Inputs.randn(15, 1, 1, 2, 3));
        Tensor k = Tensor.var("k", Inputs.randn(16, 1, 1, 3, 3));
        Tensor v = Tensor.var("v", Inputs.randn(17, 1, 1, 3, 2));
        IntArray mask = IntArray.of(new int[] {1, 1, 1, 0, 1, 0}, 2, 3);
        Tensor y = Tensor.scaledDotProductAttention(q, k, v, mask, false, null);
        float[] out = y.value().toArray();
        assertThat(out[0]).isZero();
        assertThat(out[1]).isZero();
        Gradients g = y.backward(NDArray.full(1f, 1, 1, 2, 2));
        float[] dq = g.wrt(q).toArray();
        assertThat(dq[0]).isZero();
        assertThat(dq[1]).isZero();
        assertThat(dq[2]).isZero();
        for (Tensor t : List.of(q, k, v)) {
            for (float f : g.wrt(t).toArray()) {
                assertThat(Float.isFinite(f)).isTrue();
            }
        }
        // key 1 is attended by no query: no gradient reaches its value
        float[] dv = g.wrt(v).toArray();
        assertThat(new float[] {dv[2], dv[3]}).containsOnly(0f);
    }

    @Test
    void attentionEqualsComposedVersion() {
        // softmax(q kᵀ * scale + additive mask) v with ops of their own, forward and backward
        int[] qs = {2, 2, 5, 4};
        Tensor q = Tensor.var("q", Inputs.randn(18, qs));
        Tensor k = Tensor.var("k", Inputs.randn(19, qs));
        Tensor v = Tensor.var("v", Inputs.randn(20, 2, 2, 5, 3));
        float[] add = new float[25];
        int[] mask = new int[25];
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                add[i * 5 + j] = -1e9f;
                mask[i * 5 + j] = 1;
            }
        }
        Tensor fused = Tensor.scaledDotProductAttention(q, k, v, IntArray.of(mask, 5, 5), false, 0.5f);
        Tensor q3 = q.reshape(4, 5, 4);
        Tensor k3 = k.reshape(4, 5, 4);
        Tensor scores = q3.matmul(k3.transpose(1, 2)).mul(0.5f).add(Tensor.constant(NDArray.of(add, 5, 5)));
        Tensor composed = scores.softmax(-1).matmul(v.reshape(4, 5, 3)).reshape(2, 2, 5, 3);
        assertClose(fused.value(), composed.value(), 1e-5);
        NDArray up = Inputs.randn(21, 2, 2, 5, 3);
        Gradients gf = fused.backward(up);
        Gradients gc = composed.backward(up);
        for (Tensor t : List.of(q, k, v)) {
            assertClose(gf.wrt(t), gc.wrt(t), 1e-5);
        }
        // and causal = the same upper-triangular mask
        Tensor causal = Tensor.scaledDotProductAttention(q, k, v, null, true, 0.5f);
        assertThat(causal.value()).isEqualTo(fused.value());
    }

    @Test
    void broadcastMaskPerBatchAndLargeParallelSizesAreDeterministic() {
        int b = 2;
        int h = 4;
        int t = 48;
        NDArray q = Inputs.randn(22, b, h, t, 32);
        NDArray k = Inputs.randn(23, b, h, t, 32);
        NDArray v = Inputs.randn(24, b, h, t, 16);
        int[] m = new int[b * t * t];
        SplittableRandom r = new SplittableRandom(25);
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextInt(4) == 0 ? 1 : 0;
        }
        IntArray mask = IntArray.of(m, b, 1, t, t);
        NDArray y1 = Tensor.scaledDotProductAttention(Tensor.constant(q), Tensor.constant(k), Tensor.constant(v),
                mask, false, null).value();
        NDArray y2 = Tensor.scaledDotProductAttention(Tensor.constant(q), Tensor.constant(k), Tensor.constant(v),
                mask, false, null).value();
        assertThat(y1).isEqualTo(y2);
        // batch 1's mask differs from batch 0's: compare batch 1, head 3 with the naive version
        float[] all = q.toArray();
        NDArray q13 = NDArray.of(Arrays.copyOfRange(all, (4 + 3) * t * 32, (4 + 4) * t * 32), 1, 1, t, 32);
        NDArray k13 = NDArray.of(Arrays.copyOfRange(k.toArray(), 7 * t * 32, 8 * t * 32), 1, 1, t, 32);
        NDArray v13 = NDArray.of(Arrays.copyOfRange(v.toArray(), 7 * t * 16, 8 * t * 16), 1, 1, t, 16);
        IntArray m1 = IntArray.of(Arrays.copyOfRange(m, t * t, 2 * t * t), t, t);
        double[] expected = naiveAttention(q13, k13, v13, m1, false, 1 / Math.sqrt(32));
        float[] actual = Arrays.copyOfRange(y1.toArray(), 7 * t * 16, 8 * t * 16);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).isCloseTo(expected[i], within(1e-5));
        }
    }

    @Test
    void attentionErrors() {
        Tensor q = Tensor.constant(Inputs.randn(26, 1, 2, 3, 4));
        Tensor k = Tensor.constant(Inputs.randn(27, 1, 2, 5, 4));
        Tensor v = Tensor.constant(Inputs.randn(28, 1, 2, 5, 6));
        String op = "scaledDotProductAttention";
        expectError(() -> Tensor.scaledDotProductAttention(q, Tensor.constant(NDArray.zeros(1, 2, 5, 3)), v, null,
                false, null), op, "head dims", "[1, 2, 3, 4]", "[1, 2, 5, 3]");
        expectError(() -> Tensor.scaledDotProductAttention(q, k, Tensor.constant(NDArray.zeros(1, 2, 4, 6)), null,
                false, null), op, "keys", "[1, 2, 4, 6]");
        expectError(() -> Tensor.scaledDotProductAttention(q, Tensor.constant(NDArray.zeros(1, 3, 5, 4)),
                Tensor.constant(NDArray.zeros(1, 3, 5, 6)), null, false, null), op, "[1, 3, 5, 4]");
        expectError(() -> Tensor.scaledDotProductAttention(q, k.reshape(2, 5, 4), v, null, false, null), op, "rank");
        expectError(() -> Tensor.scaledDotProductAttention(q, k, v, IntArray.zeros(3, 4), false, null), op,
                "mask [3, 4]", "[1, 2, 3, 5]");
        expectError(() -> Tensor.scaledDotProductAttention(q, k, v, IntArray.zeros(1, 1, 1, 3, 5), false, null), op,
                "mask [1, 1, 1, 3, 5]");
        expectError(() -> Tensor.scaledDotProductAttention(q, k, v, null, false, Float.NaN), op, "scale");
        assertThatThrownBy(() -> Tensor.scaledDotProductAttention(null, k, v, null, false, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining(op);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static void expectError(ThrowingCallable call, String... fragments) {
        var thrown = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }

    private static void assertClose(NDArray a, NDArray b, double tol) {
        assertThat(a.shape()).isEqualTo(b.shape());
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat((double) x[i]).as("element %d", i).isCloseTo(y[i], within(tol));
        }
    }
}
