package dev.grad4j.nn;

import dev.grad4j.autograd.Autograd;
import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.IntArray;
import dev.grad4j.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GenerationTest {

    private static final int V = 13;

    private static TestGpt model() {
        return new TestGpt(V, 12, 16, 4, 2, new SplittableRandom(3));
    }

    private static IntArray ids(int b, int t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] d = new int[b * t];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(V);
        }
        return IntArray.of(d, b, t);
    }

    private static IntArray columns(IntArray ids, int from, int to) {
        int b = ids.shape().dim(0);
        int[] d = new int[b * (to - from)];
        for (int i = 0; i < b; i++) {
            for (int j = from; j < to; j++) {
                d[i * (to - from) + j - from] = ids.get(i, j);
            }
        }
        return IntArray.of(d, b, to - from);
    }

    @Test
    void cachedLogitsEqualFullForward() {
        TestGpt gpt = model();
        IntArray x = ids(2, 12, 5);
        try (Autograd.Scope s = Autograd.noGrad()) {
            float[] full = gpt.forward(x, null).value().toArray();
            KVCache cache = gpt.newCache(2);
            // a prompt of 5 positions in one chunk, then one position at a time, then a chunk of 3
            int[][] chunks = {{0, 5}, {5, 6}, {6, 7}, {7, 9}, {9, 12}};
            for (int[] c : chunks) {
                float[] got = gpt.forward(columns(x, c[0], c[1]), cache).value().toArray();
                int n = c[1] - c[0];
                for (int b = 0; b < 2; b++) {
                    for (int t = 0; t < n; t++) {
                        for (int v = 0; v < V; v++) {
                            assertThat(got[(b * n + t) * V + v])
                                    .isCloseTo(full[(b * 12 + c[0] + t) * V + v], within(1e-5f));
                        }
                    }
                }
            }
            assertThat(cache.length()).isEqualTo(12);
            assertThat(cache.length(1)).isEqualTo(12);
        }
    }

    private static int[] generate(TestGpt gpt, Sampler sampler, long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[n + 1];
        out[0] = 1;
        try (Autograd.Scope s = Autograd.noGrad()) {
            KVCache cache = gpt.newCache(1);
            for (int i = 0; i < n; i++) {
                Tensor logits = gpt.forward(IntArray.of(new int[] {out[i]}, 1, 1), cache);
                out[i + 1] = sampler.sample(logits.reshape(1, V), random).get(0);
            }
        }
        return out;
    }

    @Test
    void seededSampleRepeats() {
        TestGpt gpt = model();
        Sampler sampler = new Sampler(1.0f, 5);
        int[] a = generate(gpt, sampler, 42, 11);
        int[] b = generate(gpt, sampler, 42, 11);
        assertThat(a).isEqualTo(b);
        assertThat(Arrays.stream(a).distinct().count()).isGreaterThan(1);
    }

    @Test
    void greedyAndTopOnePickTheLargestLogit() {
        float[] logits = {0.5f, 2f, -1f, 1.9f};
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20; i++) {
            assertThat(new Sampler(0f, 0).sample(logits, r)).isEqualTo(1);
            assertThat(new Sampler(1f, 1).sample(logits, r)).isEqualTo(1);
            assertThat(new Sampler(1f, 2).sample(logits, r)).isIn(1, 3);
        }
    }

    @Test
    void samplesFollowTheSoftmaxAtTheTemperature() {
        float[] logits = {0f, (float) Math.log(3)};
        SplittableRandom r = new SplittableRandom(9);
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            ones += new Sampler(1f, 0).sample(logits, r);
        }
        assertThat(ones / (double) n).isCloseTo(0.75, within(0.015));
        ones = 0;
        for (int i = 0; i < n; i++) {
            ones += new Sampler(2f, 0).sample(logits, r); // p ∝ sqrt(3)
        }
        assertThat(ones / (double) n).isCloseTo(Math.sqrt(3) / (1 + Math.sqrt(3)), within(0.015));
    }

    @Test
    void samplerRejectsBadArguments() {
        assertThatThrownBy(() -> new Sampler(-1f, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Sampler");
        assertThatThrownBy(() -> new Sampler(Float.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sampler(1f, -1)).isInstanceOf(IllegalArgumentException.class);
        Sampler s = new Sampler(1f, 0);
        assertThatThrownBy(() -> s.sample(new float[0], new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> s.sample(new float[] {1f, Float.NaN}, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> s.sample(Tensor.constant(NDArray.zeros(3)), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, V]");
    }

    @Test
    void cachedForwardRejectsRecordingAndOverflow() {
        MultiheadAttention attn = new MultiheadAttention(8, 2, true, new SplittableRandom(1));
        KVCache cache = new KVCache(1, 1, 2, 4, 4);
        Tensor x = Tensor.constant(NDArray.zeros(1, 3, 8));
        assertThatThrownBy(() -> attn.forward(x, cache, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("noGrad");
        try (Autograd.Scope s = Autograd.noGrad()) {
            attn.forward(x, cache, 0);
            assertThatThrownBy(() -> attn.forward(x, cache, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("capacity");
            assertThatThrownBy(() -> attn.forward(x, cache, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("layer");
            KVCache wrong = new KVCache(1, 1, 4, 4, 2);
            assertThatThrownBy(() -> attn.forward(x, wrong, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("heads");
            cache.clear();
            assertThat(cache.length()).isZero();
        }
        assertThatThrownBy(() -> new KVCache(0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KVCache");
    }
}
