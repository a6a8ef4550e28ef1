package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link Tensor#packedSelfAttention} against splitting the heads and the unfused attention; gradients. */
class PackedAttentionTest {

    /** Split [B, T, 3E] into heads, attend with the reference op, merge to [B, T, E]. */
    private static Tensor reference(Tensor qkv, int heads, boolean causal) {
        int b = qkv.shape().dim(0);
        int t = qkv.shape().dim(1);
        int e = qkv.shape().dim(2) / 3;
        int hd = e / heads;
        Tensor q = qkv.narrow(2, 0, e).reshape(b, t, heads, hd).permute(0, 2, 1, 3);
        Tensor k = qkv.narrow(2, e, e).reshape(b, t, heads, hd).permute(0, 2, 1, 3);
        Tensor v = qkv.narrow(2, 2 * e, e).reshape(b, t, heads, hd).permute(0, 2, 1, 3);
        return Tensor.scaledDotProductAttention(q, k, v, null, causal, null).permute(0, 2, 1, 3).reshape(b, t, e);
    }

    @Test
    void equalsSplitHeadsAttentionForwardAndBackward() {
        for (boolean causal : new boolean[] {true, false}) {
            for (int[] d : new int[][] {{2, 7, 4, 2}, {1, 40, 8, 2}, {3, 1, 2, 1}, {2, 70, 16, 4}}) {
                NDArray x = Inputs.randn(d[1] * 31L + d[2], d[0], d[1], 3 * d[2]);
                NDArray g = Inputs.randn(5, d[0], d[1], d[2]);
                Tensor a = Tensor.var("a", x);
                Tensor b = Tensor.var("b", x);
                Tensor ya = Tensor.packedSelfAttention(a, d[3], causal);
                Tensor yb = reference(b, d[3], causal);
                float[] fa = ya.value().toArray();
                float[] fb = yb.value().toArray();
                for (int i = 0; i < fa.length; i++) {
                    assertThat(fa[i]).isCloseTo(fb[i], within(1e-5f));
                }
                float[] ga = ya.mul(Tensor.constant(g)).sum().backward().wrt(a).toArray();
                float[] gb = yb.mul(Tensor.constant(g)).sum().backward().wrt(b).toArray();
                for (int i = 0; i < ga.length; i++) {
                    assertThat(ga[i]).isCloseTo(gb[i], within(1e-4f));
                }
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        NDArray x = Inputs.randn(3, 2, 5, 12);
        GradCheck.assertClose(t -> Tensor.packedSelfAttention(t.get(0), 2, true), x);
        GradCheck.assertClose(t -> Tensor.packedSelfAttention(t.get(0), 1, false), x);
    }

    @Test
    void rejectsBadShapes() {
        Tensor x = Tensor.constant(NDArray.zeros(2, 3, 12));
        assertThatThrownBy(() -> Tensor.packedSelfAttention(x, 3, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("packedSelfAttention");
        assertThatThrownBy(() -> Tensor.packedSelfAttention(x, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tensor.packedSelfAttention(Tensor.constant(NDArray.zeros(3, 12)), 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, T, 3E]");
    }
}
